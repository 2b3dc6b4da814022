import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import { createStreams, type Streams, streamsFor } from './streams.js';
import type { GroupReadEntry, StreamEntry, StreamRead } from './types.js';

describe('createStreams', () => {
  it('binds every command to the executor and routes by key', async () => {
    const sent: [readonly string[], string | undefined][] = [];
    const exec: RedisExecutor = {
      send: async (args, key) => {
        sent.push([args, key]);
        return args[0] === 'XLEN' ? 4 : '1-0';
      },
    };
    const s = createStreams(exec);
    await expect(s.xlen('k')).resolves.toBe(4);
    await expect(s.xadd('k', { a: '1' }, { maxLen: 10 })).resolves.toBe('1-0');
    expect(sent).toEqual([
      [['XLEN', 'k'], 'k'],
      [['XADD', 'k', 'MAXLEN', '~', '10', '*', 'a', '1'], 'k'],
    ]);
    expect(s.exec).toBe(exec);
    const names = Object.keys(s).filter((n) => n !== 'exec');
    expect(names).toHaveLength(24);
  });

  it('keeps generics and the xadd overloads (checked by tsc)', () => {
    const typesOnly = (s: Streams) => {
      expectTypeOf(s.xadd('k', { a: '1' })).toEqualTypeOf<Promise<string>>();
      expectTypeOf(s.xadd('k', { a: '1' }, { noMkStream: true })).toEqualTypeOf<Promise<string | null>>();
      expectTypeOf(s.xrange<{ a: string }>('k')).toEqualTypeOf<Promise<StreamEntry<{ a: string }>[]>>();
      expectTypeOf(s.xreadgroup('g', 'c', { key: 'k', id: '>' })).toEqualTypeOf<
        Promise<StreamRead<GroupReadEntry>[]>
      >();
    };
    expect(typesOnly).toBeTypeOf('function');
  });

  it('streamsFor wraps a client with sendCommand', async () => {
    const calls: string[][] = [];
    const s = streamsFor({
      sendCommand: async (args) => {
        calls.push(args);
        return 0;
      },
    });
    await expect(s.xlen('k')).resolves.toBe(0);
    expect(calls).toEqual([['XLEN', 'k']]);
  });
});
