/** Helpers the scenarios share: a child's result within a time bound, and the Redis cost of a window. */
import type { ChildConfig, ChildMessage } from '../child.js';
import { Admin, type Snapshot } from '../redis.js';
import { Child } from '../spawn.js';

/** Run a child to its result (within `timeoutMs`) and wait for it to exit. */
export async function runChild<T>(config: ChildConfig, timeoutMs: number): Promise<T> {
  const c = new Child(config);
  try {
    const m = (await c.next('result', timeoutMs)) as Extract<ChildMessage, { type: 'result' }>;
    await c.exit();
    return m.data as T;
  } finally {
    c.kill();
  }
}

/** Redis CPU, commands and their breakdown between two snapshots, per `jobs`. */
export function costPerJob(a: Snapshot, b: Snapshot, jobs: number) {
  const calls = Admin.diff(a.calls, b.calls);
  return {
    cpuUsPerJob: (b.cpuUs - a.cpuUs) / jobs,
    commandsPerJob: Admin.total(calls) / jobs,
    calls,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
