/**
 * Jobs by id and by state: getJob looks one job up by its entry id (an immediate job) or through the queue's
 * index (keys.ts `index`, a job that left its first place: O(1) to find where it is, O(log n) to read it there), listJobs pages through one state in bounded reads with a cursor.
 * Ready = stream entries after the group's last delivered id; running = the entries up to it (every finished entry
 * is deleted, so those are the pending ones); delayed = the sorted set by due time; dead = the dead-letter stream.
 */
import { isStreamId } from './commands/ids.js';
import type { StreamEntry } from './commands/types.js';
import { xinfoGroups } from './commands/xinfo.js';
import { xpendingRange } from './commands/xpending.js';
import { xrange, xrevrange } from './commands/xrange.js';
import type { RedisExecutor } from './connection.js';
import { decodeDeadEntry } from './dead-entry.js';
import { SluiceArgumentError } from './errors.js';
import { type JobInfo, jobFromDead, jobFromFields, jobMatches, memberFields } from './job-view.js';
import { completedCandidates, keptJob, parseJsonText } from './kept.js';
import { GROUP, LANES, type Lane, type QueueKeys, queueKeys } from './keys.js';
import { queueLanes } from './lanes.js';
import { DEFAULTS } from './options.js';
import { getDead } from './queue-admin.js';
import { isWakeMarker } from './scripts/index.js';

/** Checks a job id: 1-200 characters without control characters or white space. */
export function assertJobId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !/^[^\s\p{Cc}]{1,200}$/u.test(id)) {
    throw new SluiceArgumentError(`job id must be 1-200 characters without white space; got ${JSON.stringify(id)}`);
  }
}

/** The member of job `id` at score `due` of the delayed set (or of `set`, e.g. the fair set), or null. */
async function findMember(exec: RedisExecutor, k: QueueKeys, due: string, id: string, set = k.delayed) {
  const ms = (await exec.send(['ZRANGEBYSCORE', set, due, due], set)) as string[];
  for (const m of ms) {
    const f = String(m).includes(id) ? memberFields(String(m)) : null;
    if (f?.id === id) return f;
  }
  return null;
}

/** A job in the stream: ready, or running with its consumer and lease age. */
async function inStream(exec: RedisExecutor, k: QueueKeys, id: string, entryId: string): Promise<JobInfo | null> {
  const [entries, pend, cancel, progress] = await Promise.all([
    xrange(exec, k.stream, { start: entryId, end: entryId }),
    xpendingRange(exec, k.stream, GROUP, { start: entryId, end: entryId, count: 1 }).catch(() => []),
    exec.send(['HGET', k.cancels, id], k.cancels),
    exec.send(['HGET', k.progress, id], k.progress),
  ]);
  const e = entries[0];
  if (!e || isWakeMarker(e.fields)) return null;
  const p = pend[0];
  if (!p) return { ...jobFromFields('ready', e.fields, entryId), entryId };
  const at = cancel === null || cancel === undefined ? undefined : Number(cancel);
  return {
    ...jobFromFields('running', e.fields, entryId),
    entryId,
    running: { consumer: p.consumer, idleMs: p.idleMs, deliveries: p.deliveries, cancelRequestedAt: at },
    ...(progress === null || progress === undefined ? {} : { progress: parseJsonText(String(progress)) }),
  };
}

/**
 * Job `id` of `queue`, or null when there is none (finished, deleted, expired cancelled record). An id of the
 * form `<ms>-<seq>` is first read as a stream entry (an immediate job, ready or running, has its entry id as id
 * and no `id` field); else one HGET of the index finds where it is. Reading it there is O(log n)
 * (XRANGE/XPENDING of one id, ZRANGEBYSCORE of one due time).
 */
export async function getJob(exec: RedisExecutor, prefix: string, queue: string, id: string): Promise<JobInfo | null> {
  assertJobId(id);
  const k = queueKeys(prefix, queue);
  // the reads are not one snapshot: a job that moved between reading the index and reading where it pointed is
  // looked up again (a job moves at most a few times a second; three rounds always find it in practice)
  for (let round = 0; round < 3; round++) {
    const j = await lookOnce(exec, prefix, k, id);
    if (j !== MOVED) return j;
  }
  return null;
}

/** Returned by lookOnce when the index pointed at a place the job had already left. */
const MOVED = Symbol('moved');

async function lookOnce(
  exec: RedisExecutor,
  prefix: string,
  k: QueueKeys,
  id: string,
): Promise<JobInfo | null | typeof MOVED> {
  const queue = k.queue;
  // a job added straight to the stream: its id is its entry id, and the entry has no `id` field
  if (isStreamId(id)) {
    const j = await inStream(exec, k, id, id);
    if (j?.id === id) return j;
  }
  const [where, cancelled] = (await Promise.all([
    exec.send(['HGET', k.index, id], k.index),
    exec.send(['GET', k.cancelled(id)], k.index),
  ])) as [string | null, string | null];
  const at = where === null || where === undefined ? '' : String(where);
  const ref = at.slice(1);
  if (at.startsWith('s')) {
    // the default stream, else the lane whose entry carries this job id (lanes.ts)
    const j = await inStream(exec, k, id, ref);
    if (j?.id === id) return j;
    for (const lane of await queueLanes(exec, k)) {
      const l = await inStream(exec, k.inLane(lane), id, ref);
      if (l?.id === id) return l;
    }
    return MOVED;
  }
  if (at.startsWith('f')) {
    // a grouped job waiting for its turn in the fair set (score: its round)
    const f = await findMember(exec, k, ref, id, k.fair);
    return f ? jobFromFields('ready', f) : MOVED;
  }
  if (at.startsWith('d')) {
    const f = await findMember(exec, k, ref, id);
    return f ? { ...jobFromFields('delayed', f), dueAt: Number(ref) } : MOVED;
  }
  if (at.startsWith('x')) {
    const d = await getDead(exec, prefix, queue, ref);
    return d ? jobFromDead(d) : MOVED;
  }
  const f = cancelled === null || cancelled === undefined ? null : memberFields(String(cancelled));
  if (!f) return keptJob(exec, k, id);
  return { ...jobFromFields('cancelled', f), cancelled: { at: Number(f.cancelledAt), from: f.cancelledFrom ?? '' } };
}

/** Which jobs listJobs returns. */
export interface ListJobsOptions {
  /** The state to list (`completed`: jobs kept by retention, by finish time). */
  state: 'ready' | 'running' | 'delayed' | 'dead' | 'completed';
  /** Only jobs of this name (default: any). */
  name?: string | undefined;
  /** Only jobs whose id, name or payload text contains this (default: any). */
  search?: string | undefined;
  /** Most jobs per page, 1-1000 (default 50). */
  limit?: number | undefined;
  /** Where to go on: the `cursor` of the previous page (default: the start). */
  cursor?: string | undefined;
  /** `oldest` first (default) or `newest` first (delayed: by due time). */
  order?: 'oldest' | 'newest' | undefined;
  /**
   * Ready or running jobs of this lane's stream (`high`, `low`, `fair`: grouped jobs dispatched; lanes.ts) instead
   * of the default stream (priority normal). Default: the default stream. Ignored for delayed and dead.
   */
  lane?: Lane | undefined;
}

/** A page of jobs. */
export interface JobPage {
  /** The jobs, in the order asked for. */
  jobs: JobInfo[];
  /** Pass to get the next page; null when there is no more. A filtered page may hold fewer jobs than asked. */
  cursor: string | null;
}

/** The stream range of a state: ready after the group's last delivered id, running up to it. */
async function streamPage(exec: RedisExecutor, k: QueueKeys, o: ListJobsOptions, chunk: number) {
  const groups = await xinfoGroups(exec, k.stream).catch(() => []);
  const last = groups.find((g) => g.name === GROUP)?.lastDeliveredId ?? '0-0';
  const newest = o.order === 'newest';
  const c = o.cursor === undefined ? undefined : `(${o.cursor}`;
  if (o.state === 'ready') {
    return newest
      ? xrevrange(exec, k.stream, { start: c ?? '+', end: `(${last}`, count: chunk })
      : xrange(exec, k.stream, { start: c ?? `(${last}`, end: '+', count: chunk });
  }
  if (last === '0-0') return [];
  return newest
    ? xrevrange(exec, k.stream, { start: c ?? last, end: '-', count: chunk })
    : xrange(exec, k.stream, { start: c ?? '-', end: last, count: chunk });
}

/** Running jobs of `entries` with their consumer and lease age (one XPENDING over the page's range). */
async function withLeases(exec: RedisExecutor, k: QueueKeys, entries: StreamEntry[]): Promise<(JobInfo | null)[]> {
  if (entries.length === 0) return [];
  const ids = entries.map((e) => e.id).sort((a, b) => (cmpId(a, b) < 0 ? -1 : 1));
  const pend = await xpendingRange(exec, k.stream, GROUP, {
    start: ids[0] as string,
    end: ids[ids.length - 1] as string,
    count: entries.length,
  }).catch(() => []);
  const by = new Map(pend.map((p) => [p.id, p]));
  return entries.map((e) => {
    const p = by.get(e.id);
    if (!p) return null;
    const running = { consumer: p.consumer, idleMs: p.idleMs, deliveries: p.deliveries };
    return { ...jobFromFields('running', e.fields, e.id), entryId: e.id, running };
  });
}

const cmpId = (a: string, b: string): number => {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
};

/** One page of the raw candidates of a state and the cursor of each. */
async function candidates(
  exec: RedisExecutor,
  k: QueueKeys,
  o: ListJobsOptions,
  chunk: number,
): Promise<{ jobs: (JobInfo | null)[]; cursors: string[] }> {
  const newest = o.order === 'newest';
  if (o.state === 'completed') return completedCandidates(exec, k, o, chunk);
  if (o.state === 'delayed') {
    const from = Number(o.cursor ?? '0');
    const args = [
      'ZRANGE',
      k.delayed,
      String(from),
      String(from + chunk - 1),
      ...(newest ? ['REV'] : []),
      'WITHSCORES',
    ];
    // RESP2 gives [member, score, ...], RESP3 [[member, score], ...]
    const r = ((await exec.send(args, k.delayed)) as unknown[]).flat().map(String);
    const jobs: (JobInfo | null)[] = [];
    const cursors: string[] = [];
    for (let i = 0; i < r.length; i += 2) {
      const f = memberFields(r[i] as string);
      jobs.push(f ? { ...jobFromFields('delayed', f), dueAt: Number(r[i + 1]) } : null);
      cursors.push(String(from + i / 2 + 1));
    }
    return { jobs, cursors };
  }
  if (o.state === 'dead') {
    const c = o.cursor === undefined ? undefined : `(${o.cursor}`;
    const es = newest
      ? await xrevrange(exec, k.dead, { start: c ?? '+', count: chunk })
      : await xrange(exec, k.dead, { start: c ?? '-', count: chunk });
    return { jobs: es.map((e) => jobFromDead(decodeDeadEntry(e))), cursors: es.map((e) => e.id) };
  }
  const es = await streamPage(exec, k, o, chunk);
  const cursors = es.map((e) => e.id);
  const live = es.map((e) => (isWakeMarker(e.fields) ? null : e));
  if (o.state === 'ready') {
    return {
      jobs: live.map((e) => (e ? { ...jobFromFields('ready', e.fields, e.id), entryId: e.id } : null)),
      cursors,
    };
  }
  const leased = await withLeases(
    exec,
    k,
    live.filter((e): e is StreamEntry => e !== null),
  );
  const byId = new Map(leased.filter((j): j is JobInfo => j !== null).map((j) => [j.entryId, j]));
  return { jobs: live.map((e) => (e ? (byId.get(e.id) ?? null) : null)), cursors };
}

const STATES = ['ready', 'running', 'delayed', 'dead', 'completed'] as const;

/**
 * A page of `queue`'s jobs in one state. Each call reads at most `limit` entries, or with `name`/`search`
 * DEFAULTS.searchChunk (1000) entries, so no call holds Redis for long: O(log n + read) per call.
 */
export async function listJobs(
  exec: RedisExecutor,
  prefix: string,
  queue: string,
  opts: ListJobsOptions,
): Promise<JobPage> {
  if (opts.lane !== undefined && !LANES.includes(opts.lane)) {
    throw new SluiceArgumentError(`lane must be one of ${LANES.join(', ')}; got ${JSON.stringify(opts.lane)}`);
  }
  const k = queueKeys(prefix, queue).inLane(opts.lane);
  if (!STATES.includes(opts.state)) {
    throw new SluiceArgumentError(`state must be one of ${STATES.join(', ')}; got ${JSON.stringify(opts.state)}`);
  }
  const limit = opts.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new SluiceArgumentError(`limit must be an integer from 1 to 1000; got ${String(opts.limit)}`);
  }
  if (opts.order !== undefined && opts.order !== 'oldest' && opts.order !== 'newest') {
    throw new SluiceArgumentError(`order must be oldest or newest; got ${JSON.stringify(opts.order)}`);
  }
  if (opts.cursor !== undefined) {
    const ranked = opts.state === 'delayed' || opts.state === 'completed';
    const ok = ranked ? /^\d{1,15}$/.test(opts.cursor) : isStreamId(opts.cursor);
    if (!ok)
      throw new SluiceArgumentError(`cursor must be the cursor of a previous page; got ${JSON.stringify(opts.cursor)}`);
  }
  const filtered = opts.name !== undefined || (opts.search !== undefined && opts.search !== '');
  const chunk = filtered ? Math.max(limit, DEFAULTS.searchChunk) : limit;
  const { jobs, cursors } = await candidates(exec, k, opts, chunk);
  const out: JobInfo[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const j = jobs[i];
    if (j && jobMatches(j, opts.name, opts.search)) out.push(j);
    if (out.length === limit)
      return { jobs: out, cursor: i + 1 < jobs.length || jobs.length === chunk ? (cursors[i] as string) : null };
  }
  return { jobs: out, cursor: jobs.length === chunk ? (cursors[cursors.length - 1] ?? null) : null };
}
