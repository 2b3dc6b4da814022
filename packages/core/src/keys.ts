/**
 * Every Redis key name Sluice uses. No other file builds a key string. All keys of one queue share the hash tag
 * `{<queue>}`, so they live on one cluster slot and every script can touch them together.
 */
import { SluiceArgumentError } from './errors.js';
import { CONTROL_CHARS, hasControlChars } from './text.js';

/** The consumer group every queue's stream is read through. */
export const GROUP = 'workers';

/**
 * A stream of a queue besides the default one: `high` and `low` priority, and `fair` (grouped jobs dispatched
 * round-robin; fair-groups). Read order: high, the default stream (priority normal), fair, low.
 */
export type Lane = 'high' | 'fair' | 'low';

/** Every lane, in the order the streams are read (the default stream sits between `high` and `fair`). */
export const LANES: readonly Lane[] = ['high', 'fair', 'low'];

/** The key names of one queue. */
export interface QueueKeys {
  /** The queue's name. */
  readonly queue: string;
  /** Stream of jobs ready to run. */
  readonly stream: string;
  /** Sorted set of encoded jobs waiting for a time (score: due time in ms). */
  readonly delayed: string;
  /** Stream of dead-lettered jobs. */
  readonly dead: string;
  /** Present while the queue is paused. */
  readonly paused: string;
  /** How many `wake` marker entries sit in the stream (so stats can leave them out of `ready`). */
  readonly wakes: string;
  /**
   * Hash job id -> where the job is (`s<entry id>` stream, `d<due ms>` delayed, `x<dead entry id>` dead), for the
   * jobs whose id is not their stream entry id (delayed, cron, or moved since: retried, promoted, dead, redriven).
   */
  readonly index: string;
  /**
   * Hash of per-minute (last 60 minutes) and per-15-minute (last 24 h) counts of completed jobs and failed
   * attempts: a ring of fixed slots, so its size is bounded (history.ts).
   */
  readonly history: string;
  /**
   * String: the server's current minute (epoch minutes), expiring at the minute's end; set by the first count of
   * the minute once it stamped the history's slots, so the batched acks count with one GET (lua-helpers.ts).
   */
  readonly historyNow: string;
  /**
   * Hash consumer -> server ms of the last time a pending entry of that consumer was changed by anything but its
   * own fenced scripts (claimed by the reclaimer, its own included). A consumer without a field still holds every
   * delivery it was handed, so the batched ack and renew skip the XPENDING rows (docs/decisions.md, "Fence fast
   * path"). Fields older than a day are pruned by the reclaimer.
   */
  readonly stolen: string;
  /** Hash job id -> epoch ms: cancel requests for running jobs (the worker aborts them); expires 24 h after the last. */
  readonly cancels: string;
  /** The lanes the queue has had jobs in besides the default stream, comma-separated (`high,fair`); lanes.ts. */
  readonly lanes: string;
  /** Sorted set of grouped jobs waiting for their turn (score: the job's round in its group); fair-groups. */
  readonly fair: string;
  /** Hash `g:<group>` -> the last round given to that group, `cur` -> the round of the last job dispatched. */
  readonly fairRounds: string;
  /** The lane this key set reads and writes (`stream` is that lane's stream); undefined = the default stream. */
  readonly lane?: Lane | undefined;
  /** The key set of `lane` (its `stream` is the lane's stream; every other key is the queue's). */
  inLane(lane: Lane | undefined): QueueKeys;
  /** Record of a cancelled job (JSON, expires after DEFAULTS.cancelledTtl). */
  cancelled(id: string): string;
  /** Hash job id -> JSON: the progress a running job reported (`ctx.progress`); removed when the job finishes. */
  readonly progress: string;
  /**
   * Hash `c<job id>` / `f<job id>` -> JSON record of a finished job kept by retention (`keep`): completed with its
   * result, or failed with its final error. Expires `age` after the last write.
   */
  readonly kept: string;
  /** Sorted set of the kept jobs of one outcome (member: job id, score: finish time), trimmed by count and age. */
  keptBy(outcome: 'completed' | 'failed'): string;
  /** Sharded pub/sub channel (a name, not a key; same hash tag): job ids whose run was asked to cancel. */
  readonly cancelChannel: string;
  /** Sharded pub/sub channel: job ids that finished with a kept record or were cancelled (for `waitFor`). */
  readonly doneChannel: string;
  /** Idempotency key for enqueue. */
  dedup(key: string): string;
  /** Last cron tick enqueued for a job. */
  cron(job: string): string;
  /** Hash of flow-control counters (queued, delayed, debounced, throttled; docs/flow-control.md). */
  readonly flow: string;
  /** The flow-control keys of job `job` (docs/flow-control.md). */
  flowOf(job: string): FlowKeys;
}

/** The flow-control keys of one job of a queue (the job name is length-prefixed, so no two jobs share a key). */
export interface FlowKeys {
  /** Sorted set of the entries holding a global concurrency slot (member: entry id, `h:`/`f:`/`l:` + id on a lane). */
  readonly slots: string;
  /** Sorted set of the delayed members waiting for a global slot (score: when they first waited, ranked by priority). */
  readonly waiting: string;
  /** Slots per concurrency key. */
  keySlots(key: string): string;
  /** Waiters per concurrency key. */
  keyWaiting(key: string): string;
  /** Sorted set of run starts (member: job id#attempt, score: start ms), one per rate-limit key ('' = the job's). */
  rate(key: string): string;
  /** The pending debounced run of a key: JSON `{id, due, first}`. */
  debounce(key: string): string;
  /** The last throttled run of a key (its job id), for the period. */
  throttle(key: string): string;
}

const NAME = new RegExp(`^[^{}\\s${CONTROL_CHARS}]{1,200}$`);

/**
 * Checks a queue name: 1-200 characters, no braces (they would break the hash tag), no white space, no control
 * characters (text.ts: they would reach an operator's terminal).
 */
export function assertQueueName(queue: string, what = 'queue'): void {
  if (typeof queue !== 'string' || !NAME.test(queue)) {
    throw new SluiceArgumentError(
      `${what} must be 1-200 characters without braces, white space or control characters; got ${JSON.stringify(queue)}`,
    );
  }
}

/** Checks a job name: a non-empty string without control characters (text.ts). */
export function assertJobName(name: unknown, what = 'job name'): asserts name is string {
  if (typeof name !== 'string' || name === '' || hasControlChars(name)) {
    throw new SluiceArgumentError(
      `${what} must be a non-empty string without control characters; got ${JSON.stringify(name) ?? String(name)}`,
    );
  }
}

/** The key names of `queue` under `prefix` (default prefix `sluice`). */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  assertQueueName(queue);
  assertQueueName(prefix, 'prefix');
  const base = `${prefix}:{${queue}}`;
  const keys: QueueKeys = {
    queue,
    stream: `${base}:stream`,
    delayed: `${base}:delayed`,
    dead: `${base}:dead`,
    paused: `${base}:paused`,
    wakes: `${base}:wakes`,
    index: `${base}:index`,
    cancels: `${base}:cancels`,
    history: `${base}:history`,
    historyNow: `${base}:history:now`,
    stolen: `${base}:stolen`,
    cancelled: (id) => `${base}:cancelled:${id}`,
    progress: `${base}:progress`,
    kept: `${base}:kept`,
    keptBy: (outcome) => `${base}:kept:${outcome}`,
    cancelChannel: `${base}:ch:cancel`,
    doneChannel: `${base}:ch:done`,
    dedup: (key) => `${base}:dedup:${key}`,
    cron: (job) => `${base}:cron:${job}`,
    lanes: `${base}:lanes`,
    fair: `${base}:fair`,
    fairRounds: `${base}:fair:rounds`,
    inLane: (lane) => (lane === undefined ? keys : inLane(keys, base, lane)),
    flow: `${base}:flow`,
    flowOf: (job) => {
      const j = `${base}:fc:${job.length}:${job}`;
      return {
        slots: `${j}:slots`,
        waiting: `${j}:waiting`,
        keySlots: (key) => `${j}:kslots:${key}`,
        keyWaiting: (key) => `${j}:kwaiting:${key}`,
        rate: (key) => `${j}:rate:${key}`,
        debounce: (key) => `${j}:debounce:${key}`,
        throttle: (key) => `${j}:throttle:${key}`,
      };
    },
  };
  return keys;
}

const laneCache = new WeakMap<QueueKeys, Map<Lane, QueueKeys>>();

function inLane(keys: QueueKeys, base: string, lane: Lane): QueueKeys {
  let m = laneCache.get(keys);
  if (!m) {
    m = new Map();
    laneCache.set(keys, m);
  }
  let k = m.get(lane);
  if (!k) {
    k = { ...keys, stream: `${base}:stream:${lane}`, lane, inLane: keys.inLane };
    m.set(lane, k);
  }
  return k;
}

/** The pattern matching every key of `queue` (for deleting a queue). */
export function queueKeyPattern(prefix: string, queue: string): string {
  assertQueueName(queue);
  assertQueueName(prefix, 'prefix');
  return `${prefix}:{${queue.replace(/[*?[\]\\]/g, '\\$&')}}:*`;
}

/** The set of every known queue name under `prefix`. */
export function queuesKey(prefix: string): string {
  assertQueueName(prefix, 'prefix');
  return `${prefix}:queues`;
}

/**
 * The job catalogue of `prefix`: a hash `<queue> <job name>` -> JSON definition, written by every worker at start.
 * One key per prefix (like the queue set), so a lookup by name over every queue is one HGETALL, on a cluster too.
 */
export function catalogueKey(prefix: string): string {
  assertQueueName(prefix, 'prefix');
  return `${prefix}:catalogue`;
}

/** The hash consumer -> JSON record (host, pid, version, queues, ...) of the workers of `prefix`. */
export function workersKey(prefix: string): string {
  assertQueueName(prefix, 'prefix');
  return `${prefix}:workers`;
}
