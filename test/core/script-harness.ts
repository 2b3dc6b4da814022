/**
 * The shared setup of the script state-table tests (scripts.test.ts, scripts-batch.test.ts): a connection and a
 * fresh queue with its group per test, a job envelope factory and small raw-command readers.
 */
import type { QueueKeys } from '@sluice/core';
import { Connection, envelopeFields, GROUP, type JobEnvelope, queueKeys } from '@sluice/core/internal';
import { afterEach, beforeEach } from 'vitest';
import { redisUrl, track, uniquePrefix } from '../helpers.js';
import { claimedBy, deliveredTo, groupCreated } from '../queue-fixtures.js';

/** The current test's connection (a live binding: set before each test). */
export let conn: Connection;
/** The current test's queue keys (a live binding: set before each test). */
export let k: QueueKeys;

/** A job envelope with a random id; `over` replaces fields. */
export const env = (over: Partial<JobEnvelope> = {}): JobEnvelope => ({
  id: `job-${Math.random().toString(36).slice(2)}`,
  name: 'email',
  data: '{"to":"a@b"}',
  attempt: 1,
  enqueuedAt: 1700000000000,
  ...over,
});

/** Send a raw command on the test's connection. */
export const send = (...args: string[]) => conn.send(args);
/** XLEN of `key`. */
export const xlen = async (key: string) => Number(await send('XLEN', key));
/** How many entries the queue's group holds pending. */
export const pendingCount = async () => ((await send('XPENDING', k.stream, GROUP)) as [number])[0];

/** XREADGROUP `>` as `consumer`; returns [entryId, fields][]. */
export async function read(consumer: string, count = 10): Promise<Array<[string, Record<string, string>]>> {
  return (await deliveredTo(conn, k, consumer, count)).map((e) => [e.id, e.fields]);
}

/** Add one job to the stream and deliver it to `consumer`; returns its entry id. */
export async function delivered(consumer: string, e = env()): Promise<string> {
  await send('XADD', k.stream, '*', ...envelopeFields(e));
  const got = await read(consumer, 1);
  return (got[0] as [string, unknown])[0];
}

/** Let `thief` claim `id` (as a reclaimer would after the lease): delivery count goes to 2. */
export const steal = (thief: string, id: string) => claimedBy(conn, k, thief, id);

/** Open a connection and a fresh queue (with its group) before each test; close it after. */
export function useScriptQueue(): void {
  beforeEach(async () => {
    conn = await Connection.open({ url: redisUrl() });
    track({ label: 'core connection', isOpen: () => conn.client.isOpen, forceClose: () => conn.destroy() });
    k = queueKeys(uniquePrefix(), 'emails');
    await groupCreated(conn, k);
  });
  afterEach(async () => {
    await conn.close();
  });
}
