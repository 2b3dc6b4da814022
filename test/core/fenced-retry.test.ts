/**
 * The rule for a fenced call sent again after its reply was lost (`retried`): "not pending" means the first try
 * landed, so it counts as done; any other rejection, and "not pending" on a first try, stays a rejection.
 */
import {
  ackDeliveries,
  type Delivery,
  deadLetter,
  type JobEnvelope,
  LeaseLost,
  retryLater,
} from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { claimedBy, deliveredTo, jobFields, rawEntry } from '../queue-fixtures.js';
import { conn, k, useScriptQueue } from './script-harness.js';

useScriptQueue();

const env: JobEnvelope = { id: 'job-1', name: 'email', data: '{}', attempt: 1, enqueuedAt: 1700000000000 };

/** Add one job and deliver it to `consumer`. */
async function delivered(consumer: string): Promise<Delivery> {
  const id = await rawEntry(conn, k, jobFields(env.id, env.name, { enqueuedAt: String(env.enqueuedAt) }));
  await deliveredTo(conn, k, consumer);
  return { entryId: id, deliveries: 1 };
}

const dead = { fields: {}, reason: 'failed' as const, error: 'boom', attempts: 1, failedAt: 1 };

describe('a retried fenced call', () => {
  it('ack: not pending on a retry is done; on a first try it is a rejection', async () => {
    const d = await delivered('c1');
    expect(await ackDeliveries(conn, k, 'c1', [d])).toEqual([{ ok: true }]);
    expect(await ackDeliveries(conn, k, 'c1', [d])).toEqual([{ ok: false, lost: LeaseLost.NotPending }]);
    expect(await ackDeliveries(conn, k, 'c1', [d], true)).toEqual([{ ok: true }]);
  });

  it('retry-later and dead-letter: not pending on a retry is done, with the id or due time unknown', async () => {
    const d = await delivered('c1');
    expect((await retryLater(conn, k, 'c1', d, 0, env)).ok).toBe(true);
    expect(await retryLater(conn, k, 'c1', d, 0, env)).toEqual({ ok: false, lost: LeaseLost.NotPending });
    expect(await retryLater(conn, k, 'c1', d, 0, env, true)).toEqual({ ok: true, dueAt: undefined });
    expect(await deadLetter(conn, k, 'c1', d, dead)).toEqual({ ok: false, lost: LeaseLost.NotPending });
    expect(await deadLetter(conn, k, 'c1', d, dead, true)).toEqual({ ok: true, deadId: undefined });
  });

  it('another owner stays a rejection on a retry', async () => {
    const d = await delivered('c1');
    await claimedBy(conn, k, 'c2', d.entryId);
    expect(await ackDeliveries(conn, k, 'c1', [d], true)).toEqual([{ ok: false, lost: LeaseLost.WrongOwner }]);
    expect(await deadLetter(conn, k, 'c1', d, dead, true)).toEqual({ ok: false, lost: LeaseLost.WrongOwner });
  });
});
