import type { RedisClientLike } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { createWorker } from './worker.js';

/** A connected client that answers INFO server as Redis 6.2 would, and records every command. */
function redis62(): RedisClientLike & { sent: string[][] } {
  const sent: string[][] = [];
  const client = {
    sent,
    isOpen: true,
    isReady: true,
    sendCommand: async (args: ReadonlyArray<string>) => {
      sent.push([...args]);
      return args[0] === 'INFO' ? '# Server\r\nredis_version:6.2.16\r\nredis_mode:standalone\r\n' : 'OK';
    },
    duplicate: () => client,
    connect: async () => client,
    on: () => client,
    close: async () => undefined,
    destroy: () => undefined,
  };
  return client;
}

describe('worker start on an old Redis', () => {
  it('refuses Redis 6.2 with one line before touching any queue', async () => {
    const client = redis62();
    const worker = await createWorker({ client, jobs: [], queues: ['emails'], logger: { level: 'silent' } });
    await expect(worker.start()).rejects.toThrow(
      'Redis 6.2.16 is too old: Sluice needs Redis >= 7.0 (or Valkey >= 7.2); upgrade the server',
    );
    expect(client.sent).toEqual([['INFO', 'server']]);
    expect(worker.running).toBe(false);
  });
});
