/**
 * Live workers: who serves the queues right now, at no cost to an idle worker. A worker (drain run, push
 * dispatcher) writes its static record once at start (`{prefix}:workers`, consumer -> JSON: host, pid, version,
 * queues, concurrency, started at) and removes it at stop. It is live while its named connections are connected:
 * each blocking read connection is named `sluice:<consumer>:block:<queue>` and the main connection
 * `sluice:<consumer>` (CLIENT SETNAME, once at start); CLIENT LIST on the queue's node shows them with their idle
 * time, and XINFO CONSUMERS adds what each holds. A process that dies drops its connections at once; one that
 * hangs, or whose host vanishes, stops being live after its stale time (blockMs + lease) without a command on any
 * of those connections (an idle worker sends one every block period) (docs/decisions.md, "Live workers").
 */
import { type ConsumerInfo, xinfoConsumers } from './commands/xinfo.js';
import type { RedisExecutor } from './connection.js';
import { GROUP, queueKeys, workersKey } from './keys.js';

/** Stale time of a worker without a record (a connection seen without its record): 60 s, the default block + lease. */
export const DEFAULT_STALE_MS = 60_000;

/** What kind of process a worker record describes. */
export type WorkerKind = 'worker' | 'drain' | 'push';

/** What a worker writes about itself once, at start. */
export interface WorkerRecord {
  /** Consumer name (`host:pid:random`), unique per start. */
  consumer: string;
  /** A long-running worker, a drain run or a push dispatcher. */
  kind: WorkerKind;
  /** Host name. */
  host: string;
  /** Process id. */
  pid: number;
  /** Version of @sluice/worker. */
  version: string;
  /** Queues it reads. */
  queues: string[];
  /** Most jobs it runs at once. */
  concurrency: number;
  /** When it started (epoch ms, its own clock). */
  startedAt: number;
  /** Not live after this many ms without a command on its connections or activity of its consumer (blockMs + lease). */
  staleMs: number;
}

/** A live worker: its record, what it holds and when it was last seen. */
export interface LiveWorker extends WorkerRecord {
  /** Jobs it holds now (its pending entries over all its queues). */
  inFlight: number;
  /** Ms since it last sent a command (its least idle connection) or read or claimed a job. */
  lastSeenMs: number;
}

/** A named Sluice connection from CLIENT LIST. */
export interface NamedConnection {
  /** The consumer (worker) it belongs to. */
  consumer: string;
  /** The queue of a blocking read connection; undefined for a main connection. */
  queue: string | undefined;
  /** Ms since its last command. */
  idleMs: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decode a worker record (hostile: anything malformed gives undefined). */
export function decodeWorkerRecord(consumer: string, value: string): WorkerRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v.consumer !== consumer || !Array.isArray(v.queues)) return undefined;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const s = (x: unknown) => (typeof x === 'string' ? x : '');
  return {
    consumer,
    kind: v.kind === 'drain' || v.kind === 'push' ? v.kind : 'worker',
    host: s(v.host),
    pid: n(v.pid),
    version: s(v.version),
    queues: v.queues.filter((q): q is string => typeof q === 'string'),
    concurrency: n(v.concurrency),
    startedAt: n(v.startedAt),
    staleMs: n(v.staleMs) || DEFAULT_STALE_MS,
  };
}

/** A flat HGETALL reply (RESP2) or a map (RESP3) as pairs. */
export function hashPairs(reply: unknown): [string, string][] {
  if (Array.isArray(reply)) {
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), String(reply[i + 1])]);
    return out;
  }
  return isObject(reply) ? Object.entries(reply).map(([k, v]) => [k, String(v)]) : [];
}

/** The connection name of a worker's main connection, or of its blocking read connection of `queue`. */
export const connectionName = (consumer: string, queue?: string): string =>
  queue === undefined ? `sluice:${consumer}` : `sluice:${consumer}:block:${queue}`;

/** The Sluice connections in a CLIENT LIST reply (pure). */
export function parseClientList(text: string): NamedConnection[] {
  const out: NamedConnection[] = [];
  for (const line of text.split('\n')) {
    const name = / name=(sluice:\S+)/.exec(line)?.[1];
    const idle = Number(/ idle=(\d+)/.exec(line)?.[1]);
    if (!name || !Number.isFinite(idle)) continue;
    const rest = name.slice('sluice:'.length);
    const b = rest.indexOf(':block:');
    out.push({
      consumer: b < 0 ? rest : rest.slice(0, b),
      queue: b < 0 ? undefined : rest.slice(b + ':block:'.length),
      idleMs: idle * 1000,
    });
  }
  return out;
}

/** The named Sluice connections on the node of `key` (any node without), or undefined where CLIENT LIST is refused. */
export async function namedConnections(exec: RedisExecutor, key?: string): Promise<NamedConnection[] | undefined> {
  try {
    return parseClientList(String(await exec.send(['CLIENT', 'LIST', 'TYPE', 'normal'], key)));
  } catch {
    return undefined;
  }
}

/** Write a worker's record (once, at start). */
export async function registerWorker(exec: RedisExecutor, prefix: string, rec: WorkerRecord): Promise<void> {
  const key = workersKey(prefix);
  await exec.send(['HSET', key, rec.consumer, JSON.stringify(rec)], key);
}

/** Remove worker records (at stop, or of workers found gone). */
export async function forgetWorkers(exec: RedisExecutor, prefix: string, consumers: readonly string[]): Promise<void> {
  if (consumers.length === 0) return;
  const key = workersKey(prefix);
  await exec.send(['HDEL', key, ...consumers], key);
}

/** Every worker record of `prefix`, live or not, by consumer. */
export async function workerRecords(exec: RedisExecutor, prefix: string): Promise<Map<string, WorkerRecord>> {
  const key = workersKey(prefix);
  const out = new Map<string, WorkerRecord>();
  for (const [c, v] of hashPairs(await exec.send(['HGETALL', key], key))) {
    const r = decodeWorkerRecord(c, v);
    if (r) out.set(c, r);
  }
  return out;
}

/** Who is live on one queue: consumer -> ms since last seen; and consumer -> jobs held (live or not). */
export interface QueuePresence {
  live: Map<string, number>;
  pending: Map<string, number>;
}

/**
 * Who is live on `queue` (pure): a worker of this prefix (a record in `records`, or a consumer in `consumers`) with
 * a blocking connection of the queue, or with a main connection whose record lists the queue (a drain), seen within
 * its stale time (its record's, else {@link DEFAULT_STALE_MS}):
 * the least idle of those connections and its consumer. A hung process keeps its connections but not its
 * activity. Without CLIENT LIST (`conns` undefined), a consumer active within its stale time.
 */
export function presence(
  queue: string,
  conns: readonly NamedConnection[] | undefined,
  records: ReadonlyMap<string, WorkerRecord>,
  consumers: readonly Pick<ConsumerInfo, 'name' | 'pending' | 'idleMs'>[],
): QueuePresence {
  const pending = new Map(consumers.map((c) => [c.name, c.pending] as const));
  const idle = new Map(consumers.map((c) => [c.name, c.idleMs] as const));
  const seen = new Map<string, number>();
  const see = (c: string, ms: number) => seen.set(c, Math.min(ms, seen.get(c) ?? ms, idle.get(c) ?? ms));
  if (conns) {
    for (const n of conns) {
      // connection names carry no prefix: a blocking connection of another prefix's queue of the same name is
      // not ours, so it counts only for a consumer with a record under this prefix or in this queue's group
      const ours = records.has(n.consumer) || idle.has(n.consumer);
      if ((n.queue === queue && ours) || (n.queue === undefined && records.get(n.consumer)?.queues.includes(queue)))
        see(n.consumer, n.idleMs);
    }
  } else {
    for (const c of consumers) see(c.name, c.idleMs);
  }
  const live = new Map<string, number>();
  for (const [c, ms] of seen) if (ms < (records.get(c)?.staleMs ?? DEFAULT_STALE_MS)) live.set(c, ms);
  return { live, pending };
}

/** What a presence read needs once for many queues: the records, and on one server its connections. */
export interface PresenceContext {
  records: ReadonlyMap<string, WorkerRecord>;
  /** Connections of the single server (not a cluster), read once. */
  conns?: NamedConnection[] | undefined;
}

const isClusterExec = (exec: RedisExecutor) => (exec as { isCluster?: boolean }).isCluster === true;

/** Read the records (and, on one server, the connections) once for several presence reads. */
export async function presenceContext(exec: RedisExecutor, prefix: string): Promise<PresenceContext> {
  const [records, conns] = await Promise.all([
    workerRecords(exec, prefix),
    isClusterExec(exec) ? undefined : namedConnections(exec),
  ]);
  return { records, conns };
}

/** The named connections that tell who is live on `queue`: the context's (one server) or its node's (cluster). */
export async function queueConnections(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  ctx: PresenceContext,
): Promise<NamedConnection[] | undefined> {
  return isClusterExec(exec) ? namedConnections(exec, queueKeys(prefix, queue).stream) : ctx.conns;
}

/** {@link presence} of one queue, read from Redis (CLIENT LIST on the queue's node, XINFO CONSUMERS). */
export async function queuePresence(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  ctx?: PresenceContext,
): Promise<QueuePresence> {
  const k = queueKeys(prefix, queue);
  const c = ctx ?? (await presenceContext(exec, prefix));
  const [conns, consumers] = await Promise.all([
    queueConnections(exec, prefix, queue, c),
    xinfoConsumers(exec, k.stream, GROUP).catch(() => []),
  ]);
  return presence(queue, conns, c.records, consumers);
}

/** The live workers of `prefix` (or only those reading `queue`), oldest first. */
export async function listWorkers(exec: RedisExecutor, prefix: string, queue?: string): Promise<LiveWorker[]> {
  const ctx = await presenceContext(exec, prefix);
  const recs = [...ctx.records.values()].filter((r) => queue === undefined || r.queues.includes(queue));
  const queues = [...new Set(recs.flatMap((r) => r.queues))];
  const seen = new Map(
    await Promise.all(queues.map(async (q) => [q, await queuePresence(exec, prefix, q, ctx)] as const)),
  );
  const out: LiveWorker[] = [];
  for (const r of recs) {
    let last = Number.POSITIVE_INFINITY;
    let inFlight = 0;
    for (const q of r.queues) {
      const p = seen.get(q);
      last = Math.min(last, p?.live.get(r.consumer) ?? Number.POSITIVE_INFINITY);
      inFlight += p?.pending.get(r.consumer) ?? 0;
    }
    if (r.queues.length === 0 && queue === undefined) {
      const main = ctx.conns?.find((n) => n.consumer === r.consumer);
      if (main) last = main.idleMs;
    }
    if (Number.isFinite(last)) out.push({ ...r, inFlight, lastSeenMs: last });
  }
  return out.sort((a, b) => a.startedAt - b.startedAt || (a.consumer < b.consumer ? -1 : 1));
}

/**
 * Remove the records of workers that have no connection left (their process is gone) and started more than
 * `graceMs` ago (default 60 s). Does nothing where CLIENT LIST is refused. Returns the consumers forgotten.
 */
export async function pruneWorkerRecords(exec: RedisExecutor, prefix: string, graceMs = 60_000): Promise<string[]> {
  const ctx = await presenceContext(exec, prefix);
  const keys = isClusterExec(exec)
    ? [...new Set([...ctx.records.values()].flatMap((r) => r.queues))].map((q) => queueKeys(prefix, q).stream)
    : [undefined];
  const found = new Set<string>();
  for (const key of keys) {
    const conns = key === undefined ? ctx.conns : await namedConnections(exec, key);
    if (!conns) return [];
    for (const n of conns) found.add(n.consumer);
  }
  const now = Date.now();
  // on a cluster only the queues' nodes were asked: a worker without queues may have its connection elsewhere
  const gone = [...ctx.records.values()]
    .filter((r) => !found.has(r.consumer) && now - r.startedAt > graceMs && (r.queues.length > 0 || !keys[0]))
    .map((r) => r.consumer);
  await forgetWorkers(exec, prefix, gone);
  return gone;
}
