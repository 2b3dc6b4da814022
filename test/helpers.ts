/**
 * Shared helpers of the integration tests: the Redis URL from the global setup, a unique key prefix per test,
 * tracked clients, `waitFor`, and a leak guard that fails any test which leaves a client or worker open.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { atLeast, parseServerInfo } from '@sluice/core/internal';
import { afterEach, expect, inject } from 'vitest';

/** Something a test opened and must close. */
export interface Closeable {
  /** Label used in the leak message. */
  label: string;
  /** True while it is still open / running. */
  isOpen(): boolean;
  /** Force it closed (used after the guard has failed the test). */
  forceClose(): Promise<void> | void;
}

const open = new Set<Closeable>();

/** The URL of the test run's Redis. */
export const redisUrl = (): string => inject('redisUrl');

/** A key prefix no other test uses. */
export const uniquePrefix = (): string => `t${randomBytes(5).toString('hex')}`;

/** Register something the test must close; the guard fails the test if it is still open afterwards. */
export function track<T extends Closeable>(c: T): T {
  open.add(c);
  return c;
}

/** A connected raw @redis/client client, tracked by the leak guard. */
export async function rawClient() {
  const client = createClient({ url: redisUrl(), socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  track({ label: 'raw redis client', isOpen: () => client.isOpen, forceClose: () => client.destroy() });
  return client;
}

/** The one sleep and waitFor of the tests (test/wait.ts), re-exported for the integration tests. */
export { sleep, WAIT_MS, waitFor } from './wait.js';

/** True when the test Redis is at least Redis `major.minor` (Valkey by the Redis version it reports). */
export async function redisAtLeast(major: number, minor = 0): Promise<boolean> {
  const client = await rawClient();
  try {
    return atLeast(parseServerInfo(await client.info('server')).redisVersion, major, minor);
  } finally {
    await client.close();
  }
}

afterEach(async () => {
  const leaked = [...open].filter((c) => c.isOpen());
  open.clear();
  for (const c of leaked) await c.forceClose();
  expect(
    leaked.map((c) => c.label),
    'test left these open',
  ).toEqual([]);
});
