import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import {
  boolReply,
  isBusyGroupError,
  isNoGroupError,
  okReply,
  xgroupArgs,
  xgroupCreateArgs,
  xgroupDelConsumer,
  xgroupEnsure,
  xgroupSetIdArgs,
} from './xgroup.js';

const failing = (err: Error): RedisExecutor => ({ send: async () => Promise.reject(err) });

describe('XGROUP', () => {
  it('CREATE args', () => {
    expect(xgroupCreateArgs('s', 'g', '0')).toEqual(['XGROUP', 'CREATE', 's', 'g', '0']);
    expect(xgroupCreateArgs('s', 'g', '$', { mkStream: true, entriesRead: 0 })).toEqual([
      'XGROUP',
      'CREATE',
      's',
      'g',
      '$',
      'MKSTREAM',
      'ENTRIESREAD',
      '0',
    ]);
    expect(xgroupCreateArgs('s', 'g', '5-1', { entriesRead: -1 })).toEqual([
      'XGROUP',
      'CREATE',
      's',
      'g',
      '5-1',
      'ENTRIESREAD',
      '-1',
    ]);
  });

  it('other subcommands', () => {
    expect(xgroupArgs('DESTROY', 's', 'g')).toEqual(['XGROUP', 'DESTROY', 's', 'g']);
    expect(xgroupArgs('CREATECONSUMER', 's', 'g', 'c')).toEqual(['XGROUP', 'CREATECONSUMER', 's', 'g', 'c']);
    expect(xgroupArgs('DELCONSUMER', 's', 'g', 'c')).toEqual(['XGROUP', 'DELCONSUMER', 's', 'g', 'c']);
    expect(xgroupSetIdArgs('s', 'g', '0', { entriesRead: 3 })).toEqual([
      'XGROUP',
      'SETID',
      's',
      'g',
      '0',
      'ENTRIESREAD',
      '3',
    ]);
  });

  it('rejects bad arguments', () => {
    expect(() => xgroupCreateArgs('s', 'g', '>')).toThrow(
      'XGROUP CREATE id must be a stream id (ms or ms-seq) or one of 0, $',
    );
    expect(() => xgroupCreateArgs('s', '', '0')).toThrow('XGROUP CREATE group must be a non-empty string');
    expect(() => xgroupCreateArgs('s', 'g', '0', { entriesRead: -2 })).toThrow(
      'XGROUP CREATE entriesRead must be an integer >= -1; got -2',
    );
    expect(() => xgroupCreateArgs('s', 'g', '0', { mkStream: 'yes' as unknown as boolean })).toThrow(
      'XGROUP CREATE mkStream must be a boolean',
    );
    expect(() => xgroupArgs('DELCONSUMER', 's', 'g', '')).toThrow(
      'XGROUP DELCONSUMER consumer must be a non-empty string',
    );
    expect(() => xgroupSetIdArgs('s', 'g', '*')).toThrow('XGROUP SETID id must be a stream id');
  });

  it('replies', () => {
    expect(() => okReply('OK')).not.toThrow();
    expect(() => okReply('NOPE')).toThrow('unexpected XGROUP reply');
    expect(boolReply(1)).toBe(true);
    expect(boolReply(0)).toBe(false);
  });

  it('error predicates', () => {
    expect(isBusyGroupError(new Error('BUSYGROUP Consumer Group name already exists'))).toBe(true);
    expect(isBusyGroupError(new Error('ERR x'))).toBe(false);
    expect(isBusyGroupError('BUSYGROUP')).toBe(false);
    expect(isNoGroupError(new Error("NOGROUP No such key 's' or consumer group 'g'"))).toBe(true);
  });

  it('xgroupEnsure: true when created, false on BUSYGROUP, rethrows others', async () => {
    await expect(xgroupEnsure({ send: async () => 'OK' }, 's', 'g', '0')).resolves.toBe(true);
    await expect(
      xgroupEnsure(failing(new Error('BUSYGROUP Consumer Group name already exists')), 's', 'g', '0'),
    ).resolves.toBe(false);
    await expect(
      xgroupEnsure(failing(new Error('ERR The XGROUP subcommand requires the key to exist')), 's', 'g', '0'),
    ).rejects.toThrow('requires the key to exist');
    await expect(xgroupDelConsumer({ send: async () => 2 }, 's', 'g', 'c')).resolves.toBe(2);
  });
});
