/** `sluice queue list`, `sluice queue pause <queue>`, `sluice queue resume <queue>`. */
import { assertQueueName, escapeControl } from '@sluice/core/internal';
import { assertKnownQueue, type ConnectOptions, withSluice } from '../connect.js';
import { EXIT, ExitError, usageError } from '../errors.js';
import { json, type Output, plural } from '../output.js';

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

/** Options of {@link queueEmptyCommand} and {@link queueDeleteCommand}. */
export interface QueueDestroyOptions extends QueueActionOptions {
  /** Confirm; refused without it (default false). */
  yes?: boolean | undefined;
  /** queue delete: delete even while workers are live (default false). */
  force?: boolean | undefined;
  /** Print JSON (default false). */
  json?: boolean | undefined;
}

/** Remove every ready and delayed job of a queue (running jobs finish); refused without `yes`. */
export async function queueEmptyCommand(opts: QueueDestroyOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  if (!opts.yes) throw usageError(`queue empty deletes every waiting job of queue ${opts.queue}; add --yes to confirm`);
  const r = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.emptyQueue(opts.queue);
  });
  if (opts.json) io.out(json({ queue: opts.queue, ...r }));
  else
    io.out(`emptied queue ${opts.queue}: ${plural(r.ready, 'ready job')}, ${plural(r.delayed, 'delayed job')} removed`);
}

/** Delete a queue and all its keys; refused without `yes`, and while workers are live unless `force`. */
export async function queueDeleteCommand(opts: QueueDestroyOptions, io: Output): Promise<void> {
  assertQueueName(opts.queue, 'queue argument');
  if (!opts.yes) throw usageError(`queue delete deletes queue ${opts.queue} and all its jobs; add --yes to confirm`);
  const keys = await withSluice(opts, async (s) => {
    await assertKnownQueue(s, opts.queue);
    return s.deleteQueue(opts.queue, { force: opts.force }).catch((e: Error) => {
      if (/live worker/.test(e.message))
        throw new ExitError(e.message.replace(/or pass force$/, 'or add --force'), EXIT.failed);
      throw e;
    });
  });
  if (opts.json) io.out(json({ queue: opts.queue, deletedKeys: keys }));
  else io.out(`deleted queue ${opts.queue} (${plural(keys, 'key')})`);
}
