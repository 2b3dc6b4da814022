/** runJob (the promise form) without Redis: its direct ack shares the batcher's rule for a retried call. */
import { defineJob } from '@sluice/core';
import { LeaseLost, queueKeys, type RedisExecutor } from '@sluice/core/internal';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runJob } from './run-job.js';

const keys = queueKeys('t', 'q');
const fields = { id: 'j1', name: 'ok', data: '{}', attempt: '1', enqueuedAt: '1' };

/** An executor whose first ack call fails on the wire and whose retry finds the entry no longer pending. */
function lostReply() {
  let calls = 0;
  const exec: RedisExecutor = {
    send: async () => {
      calls++;
      if (calls === 1) throw new Error('socket closed before the reply');
      return [LeaseLost.NotPending];
    },
  } as RedisExecutor;
  return { exec, calls: () => calls };
}

describe('runJob', () => {
  it('a direct ack retried after a lost reply that finds the entry gone counts as succeeded', async () => {
    const { exec, calls } = lostReply();
    const r = await runJob({
      exec,
      keys,
      consumer: 'c1',
      delivery: { entryId: '1-0', deliveries: 1 },
      fields,
      jobs: new Map([['ok', defineJob({ name: 'ok', handler: () => {} })]]),
      log: pino({ level: 'silent' }),
      enqueueCtx: { exec, prefix: 't', maxPayloadBytes: 1 << 20, known: new Set() },
    });
    expect(calls()).toBe(2);
    expect(r).toMatchObject({ outcome: 'succeeded', decision: { kind: 'ack' } });
  });
});
