/**
 * Finished jobs kept by retention (`keep`, docs/decisions.md "Results"): how a kept record reads as a job, the
 * `completed` pages of listJobs, and `waitFor`, which subscribes to the queue's done channel (sharded pub/sub: one
 * connection per Sluice, made on first use) and reads the job's state after subscribing, so a job that finished
 * before the call and one that finishes after it are both seen; no polling per job.
 */
import type { Connection, RedisExecutor } from './connection.js';
import { SluiceArgumentError, WaitForError } from './errors.js';
import { type JobInfo, jobFromFields, memberFields } from './job-view.js';
import type { QueueKeys } from './keys.js';

/** JSON text read from Redis, parsed; text that is not JSON is returned as it is (it may be hostile: escape it). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A kept record (the hash value of `c<id>` or `f<id>`) as a job: completed with its result, or dead. */
export function jobFromKept(raw: unknown, outcome: 'completed' | 'failed'): JobInfo | null {
  const f = raw === null || raw === undefined ? null : memberFields(String(raw));
  if (!f) return null;
  const j: JobInfo = {
    ...jobFromFields(outcome === 'completed' ? 'completed' : 'dead', f),
    finishedAt: Number(f.finishedAt),
  };
  if (f.result !== undefined) j.result = parseJsonText(f.result);
  if (f.resultError !== undefined) j.resultError = f.resultError;
  if (f.error !== undefined) j.error = f.error;
  return j;
}

/** Kept job `id` (completed first, then failed), or null (one HMGET). */
export async function keptJob(exec: RedisExecutor, k: QueueKeys, id: string): Promise<JobInfo | null> {
  const [c, f] = (await exec.send(['HMGET', k.kept, `c${id}`, `f${id}`], k.kept)) as [unknown, unknown];
  return jobFromKept(c, 'completed') ?? jobFromKept(f, 'failed');
}

/** How many jobs of `outcome` retention keeps now (one ZCARD of the kept sorted set; 0 when none or retention is off). */
export async function keptCount(exec: RedisExecutor, k: QueueKeys, outcome: 'completed' | 'failed'): Promise<number> {
  const z = k.keptBy(outcome);
  return Number(await exec.send(['ZCARD', z], z)) || 0;
}

/** One page of kept completed jobs by finish time, the cursor being the rank (as delayed jobs are paged). */
export async function completedCandidates(
  exec: RedisExecutor,
  k: QueueKeys,
  o: { cursor?: string | undefined; order?: 'oldest' | 'newest' | undefined },
  chunk: number,
): Promise<{ jobs: (JobInfo | null)[]; cursors: string[] }> {
  const from = Number(o.cursor ?? '0');
  const z = k.keptBy('completed');
  const ids = (
    (await exec.send(
      ['ZRANGE', z, String(from), String(from + chunk - 1), ...(o.order === 'newest' ? ['REV'] : [])],
      z,
    )) as unknown[]
  ).map(String);
  if (ids.length === 0) return { jobs: [], cursors: [] };
  const recs = (await exec.send(['HMGET', k.kept, ...ids.map((id) => `c${id}`)], k.kept)) as unknown[];
  return { jobs: recs.map((r) => jobFromKept(r, 'completed')), cursors: ids.map((_, i) => String(from + i + 1)) };
}

/** A client or cluster with sharded pub/sub (any @redis/client one). */
interface ShardedSubscriber {
  sSubscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  sUnsubscribe(channel: string, listener?: (message: string, channel: string) => void): Promise<unknown>;
}

/** The handle `waitFor` takes: what `enqueue` returns (`id`, `queue`). */
export interface JobHandle {
  /** The job id. */
  id: string;
  /** Its queue (default: `options.queue`). */
  queue?: string | undefined;
}

/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Give up after this many ms with a `timeout` WaitForError (default 30 000). */
  timeoutMs?: number | undefined;
  /** The job's queue when the handle has none (default: the handle's). */
  queue?: string | undefined;
}

/** Waiters of one Sluice: one subscriber connection, one subscription per queue with waiters. */
export class Waiters {
  private sub: Promise<Connection> | undefined;
  private readonly byChannel = new Map<string, Map<string, Set<() => void>>>();

  constructor(private readonly conn: Connection) {}

  /** Call `wake` each time job `id` of `k` is published as finished; returns a function that stops it. */
  async listen(k: QueueKeys, id: string, wake: () => void): Promise<() => void> {
    const ch = k.doneChannel;
    let jobs = this.byChannel.get(ch);
    if (!jobs) {
      jobs = new Map();
      this.byChannel.set(ch, jobs);
      const client = (await this.subscriber()).client as unknown as ShardedSubscriber;
      await client.sSubscribe(ch, (msg) => {
        for (const f of [...(this.byChannel.get(ch)?.get(msg) ?? [])]) f();
      });
    }
    const set = jobs.get(id) ?? new Set();
    jobs.set(id, set);
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) jobs.delete(id);
    };
  }

  private subscriber(): Promise<Connection> {
    this.sub ??= this.conn.duplicate();
    return this.sub;
  }

  /** Close the subscriber connection (waiters still pending time out). */
  async close(): Promise<void> {
    const sub = this.sub;
    this.sub = undefined;
    this.byChannel.clear();
    if (sub) (await sub.catch(() => undefined))?.destroy();
  }
}

/** What a job's state means to a waiter: its result, a WaitForError, or undefined (not finished yet). */
function settled(id: string, queue: string, j: JobInfo | null): { value: unknown } | WaitForError | undefined {
  if (!j)
    return new WaitForError(
      'not-kept',
      `job ${id} is not in queue ${queue}: it finished without being kept (set keep.completed on the job or worker), or the id is unknown`,
    );
  if (j.state === 'completed') {
    if (j.resultError !== undefined)
      return new WaitForError(
        'result-not-kept',
        `job ${id} completed but its ${j.resultError.replace(/^result /, 'result was ')}`,
      );
    return { value: j.result };
  }
  if (j.state === 'dead') {
    const error = j.dead?.error ?? j.error ?? '';
    return new WaitForError('failed', `job ${id} failed: ${error}`, error);
  }
  if (j.state === 'cancelled') return new WaitForError('cancelled', `job ${id} was cancelled`);
  return undefined;
}

/**
 * Resolve with the result of job `handle` once it completes (kept by retention), or reject with a WaitForError.
 * `lookup` reads the job (getJob); `waiters` delivers the done messages.
 */
export async function waitForJob(
  waiters: Waiters,
  lookup: (queue: string, id: string) => Promise<JobInfo | null>,
  keysOf: (queue: string) => QueueKeys,
  handle: JobHandle,
  opts: WaitForOptions = {},
): Promise<unknown> {
  const queue = opts.queue ?? handle?.queue;
  if (typeof queue !== 'string') throw new SluiceArgumentError('waitFor: the handle has no queue; pass { queue }');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new SluiceArgumentError(
      `waitFor: timeoutMs must be a positive integer; got ${JSON.stringify(opts.timeoutMs)}`,
    );
  const id = handle.id;
  const k = keysOf(queue);
  return new Promise<unknown>((resolve, reject) => {
    let over = false;
    let stop: () => void = () => {};
    let last: JobInfo | null = null;
    const finish = (r: { value: unknown } | WaitForError) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      stop();
      if (r instanceof WaitForError) reject(r);
      else resolve(r.value);
    };
    const check = () =>
      lookup(queue, id).then(
        (j) => {
          last = j;
          const r = settled(id, queue, j);
          if (r) finish(r);
        },
        (err: unknown) => {
          if (!over) {
            over = true;
            clearTimeout(timer);
            stop();
            reject(err);
          }
        },
      );
    const timer = setTimeout(
      () =>
        finish(
          new WaitForError(
            'timeout',
            `waitFor: job ${id} of queue ${queue} did not finish within ${timeoutMs} ms (it is ${last?.state ?? 'unknown'})`,
          ),
        ),
      timeoutMs,
    );
    // subscribe first, then read: a job finishing in between is seen by one or the other
    waiters
      .listen(k, id, () => void check())
      .then(
        (off) => {
          if (over) return off();
          stop = off;
          void check();
        },
        (err: unknown) => {
          if (over) return;
          over = true;
          clearTimeout(timer);
          reject(err);
        },
      );
  });
}
