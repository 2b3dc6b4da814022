/** `sluice queue list`, `sluice queue pause <queue>`, `sluice queue resume <queue>`. */
import { assertQueueName, escapeControl } from '@sluice/core/internal';
import { assertKnownQueue, type ConnectOptions, withSluice } from '../connect.js';
import { json, type Output } from '../output.js';

/** Options of {@link queueListCommand}. */
export interface QueueListOptions extends ConnectOptions {
  /** Print a JSON array of names instead of one name a line (default false). */
  json?: boolean | undefined;
}

/** Options of {@link queuePauseCommand} and {@link queueResumeCommand}. */
export interface QueueActionOptions extends ConnectOptions {
  /** The queue: a known one (that has had a job); an unknown one is a usage error naming the known ones. */
  queue: string;
}

/** Print every known queue, one a line (sorted), or a JSON array. */
export async function queueListCommand(opts: QueueListOptions, io: Output): Promise<void> {
  const names = await withSluice(opts, (s) => s.queues());
  if (opts.json) io.out(json(names));
  else if (names.length === 0) io.err('no queues yet (a queue appears when a job is first enqueued to it)');
  else for (const n of names) io.out(escapeControl(n));
}

/** Pause a queue: workers take no new jobs from it; running jobs finish. */
export async function queuePauseCommand(opts: QueueActionOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    await s.pause(opts.queue);
  });
  io.out(`paused queue ${opts.queue}`);
}

/** Resume a paused queue. */
export async function queueResumeCommand(opts: QueueActionOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    await s.resume(opts.queue);
  });
  io.out(`resumed queue ${opts.queue}`);
}
