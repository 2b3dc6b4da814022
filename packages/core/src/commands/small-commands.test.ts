import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import { SluiceArgumentError } from '../errors.js';
import { xack, xackArgs, xackReply } from './xack.js';
import { xdel, xdelArgs, xdelReply } from './xdel.js';
import { xlen, xlenArgs, xlenReply } from './xlen.js';

const fixed = (reply: unknown, log: [readonly string[], string | undefined][] = []): RedisExecutor => ({
  send: async (args, key) => {
    log.push([args, key]);
    return reply;
  },
});

describe('XLEN', () => {
  it('args, reply, call', async () => {
    expect(xlenArgs('s')).toEqual(['XLEN', 's']);
    expect(xlenReply(3)).toBe(3);
    expect(() => xlenReply('x')).toThrow('unexpected XLEN reply');
    expect(() => xlenArgs('')).toThrow('XLEN key must be a non-empty string');
    await expect(xlen(fixed(6), 's')).resolves.toBe(6);
  });
});

describe('XACK', () => {
  it('args, reply, call', async () => {
    expect(xackArgs('s', 'g', '1-0')).toEqual(['XACK', 's', 'g', '1-0']);
    expect(xackArgs('s', 'g', ['1-0', '2'])).toEqual(['XACK', 's', 'g', '1-0', '2']);
    expect(xackReply(2)).toBe(2);
    const log: [readonly string[], string | undefined][] = [];
    await expect(xack(fixed(1, log), 's', 'g', ['1-0'])).resolves.toBe(1);
    expect(log[0]?.[1]).toBe('s');
  });

  it('rejects bad arguments', () => {
    expect(() => xackArgs('s', 'g', [])).toThrow('XACK ids must be a non-empty list; got an array');
    expect(() => xackArgs('s', 'g', ['>'])).toThrow('XACK id must be a stream id');
    expect(() => xackArgs('s', '', '1-0')).toThrow('XACK group must be a non-empty string');
    expect(() => xackArgs('s', 'g', ['1-0', 'x'])).toThrow(SluiceArgumentError);
  });
});

describe('XDEL', () => {
  it('args, reply, call', async () => {
    expect(xdelArgs('s', ['1-0', '2-0'])).toEqual(['XDEL', 's', '1-0', '2-0']);
    expect(xdelArgs('s', '1-0')).toEqual(['XDEL', 's', '1-0']);
    expect(xdelReply(0)).toBe(0);
    await expect(xdel(fixed(2), 's', ['1-0', '2-0'])).resolves.toBe(2);
    expect(() => xdelArgs('s', [])).toThrow('XDEL ids must be a non-empty list');
    expect(() => xdelArgs('s', ['*'])).toThrow('XDEL id must be a stream id');
  });
});
