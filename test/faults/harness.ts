/**
 * The fault harness: a private redis-server with AOF on a free port (killed with SIGKILL and restarted on the same
 * port and directory), N worker processes of app.ts (spawned with tsx, supervised: any exit is restarted, killed
 * and stopped by pid), a producer that enqueues jobs with idempotency keys and records an enqueue as acknowledged
 * only when its promise resolved, the fault injectors, and `runScenario`, which ties them together and hands the
 * history to the checker. Every loop is bounded in count and time; everything listens on 127.0.0.1 only; every
 * process started here is stopped by its pid in `close()` (and on process exit).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSluice, JobValidationError, type QueueKeys, type Sluice } from '@sluice/core';
import { GROUP, streamCommands } from '@sluice/core/internal';
import { type StartedRedis, startRedisServer } from '../redis-server.js';
import { check, type DeadRecord, type Execution, type FinalState, type Report, recoveryAfter } from './checker.js';
import { keyOf, type Payload, QUEUE, workJob } from './jobs.js';

const { xpending, xpendingRange, xrange, xlen } = streamCommands;
const APP = fileURLToPath(new URL('./app.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PREFIX = 'fx';

/** The faults that can be injected while jobs run. */
export type FaultKind = 'kill-worker' | 'kill-redis' | 'client-kill' | 'stop-worker' | 'pause-writes';

/** One injected fault and how long the system took to recover from it. */
export interface FaultRecord {
  kind: FaultKind;
  /** Ms since the run started. */
  at: number;
  /** Ms since the run started when the fault was lifted (restart, SIGCONT, pause over). */
  endAt: number;
  detail: string;
  /**
   * Ms to recover. Worker faults: from the fault until every job the worker held was taken over by another worker
   * (its pending list drained). Redis faults: from the end of the fault until the next accepted ack.
   */
  recoveredMs: number | null;
}

/** A process exit seen by the supervisor. */
export interface ExitRecord {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** injected: killed by a fault; poison: the exit job; start-failed: Redis was down at start; stopped: end of run. */
  kind: 'injected' | 'poison' | 'start-failed' | 'stopped' | 'crash';
}

/** A line of a worker's record file (see app.ts). */
export type RecordLine =
  | { t: 'exec'; n: number; job: string; attempt: number; pid: number; at: number }
  | { t: 'ok'; job: string; entry: string; at: number }
  | { t: 'lease-lost'; job: string; entry: string; during: string; at: number }
  | { t: 'dead'; job: string; reason: string; at: number }
  | { t: 'lost'; entry: string; at: number };

/** Every record line, with the pid of the file it came from. */
export type Recorded = RecordLine & { file: number };

/** Poison input mixed into a run, and the dead-letter reason each must end with. */
export type PoisonKind = 'bad-json' | 'bad-schema' | 'oversized-api' | 'oversized-raw' | 'malformed' | 'exit';
export const POISON_REASON: Record<PoisonKind, string | 'rejected-at-enqueue'> = {
  'bad-json': 'invalid',
  'bad-schema': 'invalid',
  'oversized-api': 'rejected-at-enqueue',
  'oversized-raw': 'invalid',
  malformed: 'invalid',
  exit: 'poison',
};

/** Options of a {@link FaultRun}. */
export interface RunOptions {
  /** AOF fsync policy of the server (`--appendonly yes` always). */
  fsync: 'everysec' | 'always';
  /** Worker processes (default 3). */
  workers?: number;
  /** Lease in ms (default 1000). */
  lease?: number;
  /** Deliveries before a job is poison (default 5). */
  maxDeliveries?: number;
  /** Handlers per worker (default 10). */
  concurrency?: number;
  /** Progress lines (default none). */
  log?: (line: string) => void;
}

interface WorkerProc {
  slot: number;
  pid: number;
  child: ChildProcess;
  consumer: string | undefined;
  ready: Promise<string>;
  exited: Promise<void>;
  injected: boolean;
  stopped: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const jitter = (ms: number) => Math.round(ms * (0.7 + Math.random() * 0.6));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Poll `check` every `every` ms until it is true or `maxMs` passes; returns the ms it took, or null. */
async function timeUntil(check: () => Promise<boolean>, maxMs: number, every = 100): Promise<number | null> {
  const t0 = Date.now();
  for (let i = 0; Date.now() - t0 < maxMs && i < 100_000; i++) {
    try {
      if (await check()) return Date.now() - t0;
    } catch {
      // Redis may be down (a fault): keep polling.
    }
    await sleep(every);
  }
  return null;
}

/** One run: a server, workers, a producer, faults. Build with {@link FaultRun.start}; always `close()` it. */
export class FaultRun {
  readonly t0 = Date.now();
  readonly keys: QueueKeys;
  readonly faults: FaultRecord[] = [];
  readonly exits: ExitRecord[] = [];
  /** Keys whose enqueue resolved (or whose raw XADD returned), with the time. */
  readonly acked = new Map<string, number>();
  /** Keys whose enqueue was attempted. */
  readonly attempted = new Set<string>();
  /** Keys refused at enqueue with a validation error (nothing written). */
  readonly rejected = new Set<string>();
  /** Enqueue calls that failed and were retried with the same idempotency key. */
  enqueueRetries = 0;
  private readonly procs = new Map<number, WorkerProc>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly logs: WriteStream[] = [];
  private closing = false;
  private spawns = 0;
  private readonly recordDir: string;
  private readonly logDir: string;

  private constructor(
    readonly opts: Required<Omit<RunOptions, 'log'>> & Pick<RunOptions, 'log'>,
    readonly dir: string,
    public redis: StartedRedis,
    /** The producer: enqueues with idempotency keys. */
    readonly producer: Sluice,
    /** The harness's own connection: faults and inspection. */
    readonly admin: Sluice,
  ) {
    this.keys = admin.keys(QUEUE);
    this.recordDir = join(dir, 'records');
    this.logDir = join(dir, 'logs');
    mkdirSync(this.recordDir);
    mkdirSync(this.logDir);
  }

  /** Start the server (AOF on, `fsync` policy), the producer and admin connections, and the workers. */
  static async start(o: RunOptions): Promise<FaultRun> {
    const opts = {
      workers: 3,
      lease: 1000,
      maxDeliveries: 5,
      concurrency: 10,
      ...o,
    };
    const dir = mkdtempSync(join(tmpdir(), 'sluice-faults-'));
    const redisDir = join(dir, 'redis');
    mkdirSync(redisDir);
    let redis: StartedRedis | undefined;
    try {
      redis = await startRedisServer({ dir: redisDir, args: FaultRun.redisArgs(opts.fsync) });
      const producer = await createSluice({ url: redis.url, prefix: PREFIX, commandTimeout: 10_000 });
      const admin = await createSluice({ url: redis.url, prefix: PREFIX, commandTimeout: 5000 });
      const run = new FaultRun(opts, dir, redis, producer, admin);
      await run.say(`redis ${redis.url} (appendfsync ${opts.fsync}) in ${redisDir}`);
      await Promise.all(Array.from({ length: opts.workers }, (_, slot) => run.spawnSlot(slot).ready));
      return run;
    } catch (e) {
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private static redisArgs(fsync: 'everysec' | 'always'): string[] {
    return ['--appendonly', 'yes', '--appendfsync', fsync, '--maxmemory-policy', 'noeviction'];
  }

  /** Ms since the run started. */
  now(): number {
    return Date.now() - this.t0;
  }

  private async say(line: string): Promise<void> {
    this.opts.log?.(`[${(this.now() / 1000).toFixed(1)}s] ${line}`);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    p.finally(() => this.pending.delete(p)).catch(() => {});
    return p;
  }

  // ---- workers ------------------------------------------------------------------------------------------------

  /** Spawn the worker of `slot`; when it exits (for any reason) the supervisor starts it again until close(). */
  private spawnSlot(slot: number): WorkerProc {
    if (++this.spawns > 2000) throw new Error('fault harness: more than 2000 worker spawns; giving up');
    const child = spawn(process.execPath, ['--conditions=@sluice/source', '--import', 'tsx', APP], {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL: this.redis.url,
        PREFIX,
        RECORD_DIR: this.recordDir,
        LEASE: String(this.opts.lease),
        MAX_DELIVERIES: String(this.opts.maxDeliveries),
        CONCURRENCY: String(this.opts.concurrency),
        LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid as number;
    const log = createWriteStream(join(this.logDir, `${pid}.log`));
    this.logs.push(log);
    const p: WorkerProc = {
      slot,
      pid,
      child,
      consumer: undefined,
      injected: false,
      stopped: false,
      ready: Promise.resolve(''),
      exited: Promise.resolve(),
    };
    let out = '';
    p.ready = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker ${pid} did not start within 30 s`)), 30_000);
      child.stdout?.on('data', (d: Buffer) => {
        log.write(d);
        if (p.consumer) return;
        out += String(d);
        const m = /ready (\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          p.consumer = m[1] as string;
          resolve(p.consumer);
        }
      });
      child.once('exit', () => {
        clearTimeout(t);
        if (!p.consumer) reject(new Error(`worker ${pid} exited before it was ready`));
      });
    });
    p.ready.catch(() => {});
    child.stderr?.on('data', (d: Buffer) => log.write(d));
    p.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.procs.delete(pid);
        const kind: ExitRecord['kind'] = p.injected
          ? 'injected'
          : p.stopped
            ? 'stopped'
            : code === 3
              ? 'poison'
              : code === 2
                ? 'start-failed'
                : 'crash';
        this.exits.push({ pid, code, signal, kind });
        if (kind === 'crash')
          void this.say(`worker ${pid} CRASHED (code ${code}, signal ${signal}); see ${this.logDir}`);
        if (!this.closing) setTimeout(() => !this.closing && this.spawnSlot(slot), 100);
        resolve();
      });
    });
    this.procs.set(pid, p);
    return p;
  }

  /** Live, started workers. */
  private live(): WorkerProc[] {
    return [...this.procs.values()].filter((p) => p.consumer !== undefined && !p.injected && !p.stopped);
  }

  // ---- producer -----------------------------------------------------------------------------------------------

  /**
   * Enqueue job `n` with idempotency key `job-<n>`, retrying a failed call with the same key (a call cut by a
   * Redis restart may or may not have been applied: the key makes the retry safe) for up to `deadlineMs`.
   * Acknowledged only when a call resolved.
   */
  async enqueue(n: number, payload: Payload, deadlineMs = 60_000): Promise<void> {
    const key = keyOf(n);
    this.attempted.add(key);
    const job = workJob();
    const end = Date.now() + deadlineMs;
    for (let i = 0; i < 1000; i++) {
      try {
        await this.producer.enqueue(job, payload, { key });
        this.acked.set(key, Date.now());
        return;
      } catch (e) {
        if (e instanceof JobValidationError) {
          this.rejected.add(key);
          return;
        }
        if (Date.now() > end) return;
        this.enqueueRetries++;
        await sleep(100 + Math.random() * 100);
      }
    }
  }

  /** Enqueue jobs `from` .. `from + count - 1`, spread evenly over `spreadMs`, at most 64 calls in flight. */
  async produce(from: number, count: number, spreadMs: number, jobMs: readonly [number, number]): Promise<void> {
    const start = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < count; i++) {
      const due = start + (spreadMs * i) / count;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight.size >= 64) await Promise.race(inFlight);
      const ms = jobMs[0] + Math.floor(Math.random() * (jobMs[1] - jobMs[0] + 1));
      const p = this.enqueue(from + i, { n: from + i, ms }).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }

  /** Write one poison input as job `n`; returns whether it was acknowledged. */
  async poison(kind: PoisonKind, n: number): Promise<void> {
    const key = keyOf(n);
    const s = this.keys.stream;
    const raw = async (fields: string[]) => {
      this.attempted.add(key);
      await this.admin.connection.send(['XADD', s, '*', ...fields], s);
      this.acked.set(key, Date.now());
    };
    const base = (data: string) => ['id', `poison-${n}`, 'name', QUEUE, 'data', data, 'attempt', '1', 'key', key];
    const big = 'x'.repeat(1024 * 1024 + 512 * 1024);
    switch (kind) {
      case 'bad-json':
        return raw([...base(`{"n":${n},"ms":`), 'enqueuedAt', String(Date.now())]);
      case 'oversized-raw':
        return raw([...base(JSON.stringify({ n, ms: 1, pad: big })), 'enqueuedAt', String(Date.now())]);
      case 'malformed':
        return raw(['key', key, 'junk', 'no id, name or data']);
      case 'bad-schema': {
        this.attempted.add(key);
        await this.producer.enqueue(QUEUE, { n, ms: 'slow' }, { key });
        this.acked.set(key, Date.now());
        return;
      }
      case 'oversized-api':
        return this.enqueue(n, { n, ms: 1, pad: big });
      case 'exit':
        return this.enqueue(n, { n, ms: 0, exit: true });
    }
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  private async pendingOf(consumer: string): Promise<string[]> {
    const rows = await xpendingRange(this.admin.connection, this.keys.stream, GROUP, { count: 10_000, consumer });
    return rows.map((r) => r.id);
  }

  /** SIGKILL a random worker; the supervisor restarts it. Recovery: until its pending list is taken over. */
  async killWorker(): Promise<{ rec: FaultRecord; pid: number; held: string[] } | undefined> {
    const live = this.live();
    const p = live[Math.floor(Math.random() * live.length)];
    if (!p) return undefined;
    const at = this.now();
    p.injected = true;
    process.kill(p.pid, 'SIGKILL');
    const consumer = p.consumer as string;
    const held = await this.pendingOf(consumer).catch(() => [] as string[]);
    const rec: FaultRecord = {
      kind: 'kill-worker',
      at,
      endAt: at,
      detail: `SIGKILL pid ${p.pid} holding ${held.length} job(s)`,
      recoveredMs: null,
    };
    this.faults.push(rec);
    this.track(
      timeUntil(async () => (await this.pendingOf(consumer)).length === 0, 60_000).then((ms) => {
        rec.recoveredMs = ms === null ? null : this.now() - at;
      }),
    );
    await this.say(rec.detail);
    return { rec, pid: p.pid, held };
  }

  /**
   * SIGSTOP the worker holding the most jobs for `ms` (longer than the lease), then SIGCONT. Returns what it held
   * (entry id -> key) so a test can check that each of those jobs was finished once, by another worker.
   */
  async stopWorker(ms = 2.5 * this.opts.lease): Promise<{ rec: FaultRecord; pid: number; held: Map<string, string> }> {
    const summary = await xpending(this.admin.connection, this.keys.stream, GROUP);
    const live = this.live();
    const most = (c: string | undefined) => summary.consumers.find((x) => x.name === c)?.pending ?? 0;
    const p = [...live].sort((a, b) => most(b.consumer) - most(a.consumer))[0];
    if (!p) throw new Error('stopWorker: no live worker');
    const at = this.now();
    p.stopped = true;
    process.kill(p.pid, 'SIGSTOP');
    const consumer = p.consumer as string;
    const ids = await this.pendingOf(consumer);
    const held = new Map<string, string>();
    for (const id of ids) {
      const [e] = await xrange(this.admin.connection, this.keys.stream, { start: id, end: id });
      if (e?.fields.key) held.set(id, e.fields.key);
    }
    const rec: FaultRecord = {
      kind: 'stop-worker',
      at,
      endAt: at + ms,
      detail: `SIGSTOP pid ${p.pid} for ${ms} ms holding ${held.size} job(s)`,
      recoveredMs: null,
    };
    this.faults.push(rec);
    await this.say(rec.detail);
    const taken = this.track(
      timeUntil(async () => {
        const now = new Set(await this.pendingOf(consumer));
        return [...held.keys()].every((id) => !now.has(id));
      }, 60_000),
    );
    await sleep(ms);
    process.kill(p.pid, 'SIGCONT');
    p.stopped = false;
    const took = await taken;
    rec.recoveredMs = took;
    await this.say(`SIGCONT pid ${p.pid}; its jobs were taken over after ${took} ms`);
    return { rec, pid: p.pid, held };
  }

  /** kill -9 the server, wait `downMs`, restart it on the same port and directory (AOF). */
  async killRedis(downMs = 500): Promise<FaultRecord> {
    const at = this.now();
    const pid = this.redis.pid as number;
    process.kill(pid, 'SIGKILL');
    await timeUntil(async () => !isAlive(pid), 5000, 10);
    await this.redis.stop();
    await sleep(downMs);
    this.redis = await startRedisServer({
      port: this.redis.port,
      dir: this.redis.dir,
      args: FaultRun.redisArgs(this.opts.fsync),
    });
    const rec: FaultRecord = {
      kind: 'kill-redis',
      at,
      endAt: this.now(),
      detail: `kill -9 redis-server (pid ${pid}), down ${this.now() - at} ms, restarted (pid ${this.redis.pid})`,
      recoveredMs: null,
    };
    this.faults.push(rec);
    await this.say(rec.detail);
    return rec;
  }

  /** CLIENT KILL every connection but the harness's own (the workers' main and blocking connections). */
  async clientKill(): Promise<FaultRecord> {
    const at = this.now();
    const mine = new Set(
      (
        await Promise.all([
          this.admin.connection.send(['CLIENT', 'ID']),
          this.producer.connection.send(['CLIENT', 'ID']),
        ])
      ).map(String),
    );
    const list = String(await this.admin.connection.send(['CLIENT', 'LIST', 'TYPE', 'normal']));
    const victims = list
      .split('\n')
      .map((l) => ({ id: /\bid=(\d+)/.exec(l)?.[1], cmd: /\bcmd=(\S+)/.exec(l)?.[1] }))
      .filter((c): c is { id: string; cmd: string | undefined } => c.id !== undefined && !mine.has(c.id));
    let killed = 0;
    for (const v of victims) killed += Number(await this.admin.connection.send(['CLIENT', 'KILL', 'ID', v.id]));
    const blocked = victims.filter((v) => v.cmd === 'xreadgroup').length;
    const rec: FaultRecord = {
      kind: 'client-kill',
      at,
      endAt: this.now(),
      detail: `CLIENT KILL ${killed} worker connection(s), ${blocked} of them blocked in XREADGROUP`,
      recoveredMs: null,
    };
    this.faults.push(rec);
    await this.say(rec.detail);
    return rec;
  }

  /** CLIENT PAUSE `ms` WRITE (longer than the lease). */
  async pauseWrites(ms = 2.5 * this.opts.lease): Promise<FaultRecord> {
    const at = this.now();
    await this.admin.connection.send(['CLIENT', 'PAUSE', String(Math.round(ms)), 'WRITE']);
    await sleep(ms);
    const rec: FaultRecord = {
      kind: 'pause-writes',
      at,
      endAt: at + ms,
      detail: `CLIENT PAUSE ${ms} WRITE`,
      recoveredMs: null,
    };
    this.faults.push(rec);
    await this.say(rec.detail);
    return rec;
  }

  /** Inject one fault of `kind`. */
  async inject(kind: FaultKind): Promise<void> {
    switch (kind) {
      case 'kill-worker':
        await this.killWorker();
        return;
      case 'kill-redis':
        await this.killRedis();
        return;
      case 'client-kill':
        await this.clientKill();
        return;
      case 'stop-worker':
        await this.stopWorker();
        return;
      case 'pause-writes':
        await this.pauseWrites();
        return;
    }
  }

  /** Inject `kinds` in turn, one every ~`everyMs` (jittered), for `forMs`. Returns how many. */
  async faultLoop(kinds: readonly FaultKind[], forMs: number, everyMs: number): Promise<number> {
    const end = Date.now() + forMs;
    let n = 0;
    for (; Date.now() < end && n < 10_000 && kinds.length; n++) {
      await sleep(jitter(everyMs));
      if (Date.now() >= end) break;
      try {
        await this.inject(kinds[n % kinds.length] as FaultKind);
      } catch (e) {
        await this.say(`fault ${kinds[n % kinds.length]} failed to inject: ${(e as Error).message}`);
      }
    }
    return n;
  }

  // ---- quiescence, history ------------------------------------------------------------------------------------

  /** XLEN, pending count and delayed count of the queue. */
  async state(): Promise<{ xlen: number; pending: number; delayed: number }> {
    const c = this.admin.connection;
    const [len, p, delayed] = await Promise.all([
      xlen(c, this.keys.stream),
      xpending(c, this.keys.stream, GROUP),
      c.send(['ZCARD', this.keys.delayed], this.keys.delayed),
    ]);
    return { xlen: len, pending: p.count, delayed: Number(delayed) };
  }

  /** Wait (at most `maxMs`) until the stream, the pending list and the delayed set are empty. Returns the ms. */
  async quiesce(maxMs = 60_000): Promise<number | null> {
    await Promise.allSettled([...this.pending]);
    const t = await timeUntil(
      async () => {
        const s = await this.state();
        return s.xlen === 0 && s.pending === 0 && s.delayed === 0;
      },
      maxMs,
      200,
    );
    await this.say(t === null ? `NOT quiescent after ${maxMs} ms: ${JSON.stringify(await this.state())}` : 'quiescent');
    return t;
  }

  /** SIGTERM every worker (graceful stop), SIGKILL what is left after 10 s. No restarts after this. */
  async stopWorkers(): Promise<void> {
    this.closing = true;
    const procs = [...this.procs.values()];
    for (const p of procs) {
      p.stopped = true;
      if (isAlive(p.pid)) {
        process.kill(p.pid, 'SIGCONT');
        process.kill(p.pid, 'SIGTERM');
      }
    }
    const all = Promise.all(procs.map((p) => p.exited));
    const late = await Promise.race([all.then(() => false), sleep(10_000).then(() => true)]);
    if (late) for (const p of procs) if (isAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
    await all;
  }

  /** Every record line of every worker (a torn last line of a killed process is skipped). */
  records(): Recorded[] {
    const out: Recorded[] = [];
    for (const f of readdirSync(this.recordDir)) {
      const file = Number.parseInt(f, 10);
      for (const line of readFileSync(join(this.recordDir, f), 'utf8').split('\n')) {
        if (!line) continue;
        try {
          out.push({ ...(JSON.parse(line) as RecordLine), file });
        } catch {
          // A line torn by SIGKILL mid-write: the job was not recorded as done.
        }
      }
    }
    return out;
  }

  /** The dead-letter stream. */
  async deadRecords(): Promise<DeadRecord[]> {
    const entries = await xrange(this.admin.connection, this.keys.dead, { count: 100_000 });
    return entries.map((e) => ({
      key: e.fields.key,
      reason: e.fields.reason,
      error: e.fields.error,
      entryId: e.fields.entryId,
    }));
  }

  /** Final Redis state and `queue stats`. */
  async finalState(): Promise<FinalState> {
    const s = await this.state();
    const [st] = await this.admin.stats(QUEUE);
    const deadLen = await xlen(this.admin.connection, this.keys.dead);
    return {
      ...s,
      deadLen,
      stats: {
        ready: st?.ready ?? -1,
        running: st?.running ?? -1,
        delayed: st?.delayed ?? -1,
        dead: st?.dead ?? -1,
      },
    };
  }

  /** Stop the workers, read the history and check it. */
  async finish(): Promise<RunResult> {
    await this.stopWorkers();
    const records = this.records();
    const executions: Execution[] = [];
    const acks: number[] = [];
    for (const r of records) {
      if (r.t === 'exec') executions.push({ key: keyOf(r.n), pid: r.pid });
      if (r.t === 'ok') acks.push(r.at);
    }
    const dead = await this.deadRecords();
    const final = await this.finalState();
    const report = check({ acked: this.acked.keys(), unacked: this.attempted, executions, dead, final });
    const redisFaults = this.faults.filter((f) => f.kind !== 'kill-worker' && f.kind !== 'stop-worker');
    recoveryAfter(
      redisFaults.map((f) => f.endAt + this.t0),
      acks,
    ).forEach((ms, i) => {
      (redisFaults[i] as FaultRecord).recoveredMs = ms;
    });
    const deadDetails = dead.map((d) => ({ key: d.key, reason: d.reason, error: (d.error ?? '').slice(0, 200) }));
    return {
      report,
      faults: this.faults,
      exits: this.exits,
      records,
      deadDetails,
      rejected: [...this.rejected],
      enqueueRetries: this.enqueueRetries,
      durationMs: this.now(),
      logDir: this.logDir,
    };
  }

  /** Kill everything still running (by pid), close the connections, delete the temp dir (unless FAULT_KEEP=1). */
  async close(): Promise<void> {
    this.closing = true;
    for (const p of this.procs.values()) {
      if (isAlive(p.pid)) {
        process.kill(p.pid, 'SIGKILL');
      }
    }
    await Promise.all([...this.procs.values()].map((p) => p.exited));
    this.producer.connection.destroy();
    this.admin.connection.destroy();
    await this.redis.stop();
    await Promise.all(this.logs.map((l) => new Promise((r) => l.end(r))));
    if (process.env.FAULT_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
    else this.opts.log?.(`kept ${this.dir}`);
  }
}

/** What a run produced. */
export interface RunResult {
  report: Report;
  faults: FaultRecord[];
  exits: ExitRecord[];
  records: Recorded[];
  deadDetails: { key: string | undefined; reason: string | undefined; error: string }[];
  rejected: string[];
  enqueueRetries: number;
  durationMs: number;
  logDir: string;
}

/** A scenario: jobs produced while faults are injected, then quiescence and the checker. */
export interface Scenario extends RunOptions {
  /** Normal jobs. */
  jobs: number;
  /** Spread the enqueues over this many ms. */
  produceMs: number;
  /** Handler time range in ms. */
  jobMs?: readonly [number, number];
  /** Faults to inject in turn (none: a control run). */
  faults: readonly FaultKind[];
  /** Inject faults for this long (from the first enqueue). */
  faultMs: number;
  /** About this long between faults. */
  faultEveryMs: number;
  /** Poison inputs to mix in (spread over the production). */
  poison?: readonly PoisonKind[];
  /** Longest wait for quiescence (default 60 s). */
  quiesceMs?: number;
}

/** Poison inputs get numbers from here up (normal jobs count from 0). */
export const POISON_BASE = 1_000_000;

/** Run a scenario to the end and check it. The run is always closed. */
export async function runScenario(sc: Scenario): Promise<RunResult & { poison: Map<string, PoisonKind> }> {
  const run = await FaultRun.start(sc);
  try {
    const poison = new Map<string, PoisonKind>();
    const jobMs = sc.jobMs ?? [10, 150];
    const producing = run.produce(0, sc.jobs, sc.produceMs, jobMs);
    const poisoning = (async () => {
      for (const [i, kind] of (sc.poison ?? []).entries()) {
        await sleep(sc.produceMs / ((sc.poison?.length ?? 0) + 1));
        poison.set(keyOf(POISON_BASE + i), kind);
        await run.poison(kind, POISON_BASE + i);
      }
    })();
    const injected = await run.faultLoop(sc.faults, sc.faultMs, sc.faultEveryMs);
    await Promise.all([producing, poisoning]);
    sc.log?.(`produced ${run.acked.size} acknowledged enqueues; ${injected} fault(s) injected`);
    await run.quiesce(sc.quiesceMs ?? 60_000);
    return { ...(await run.finish()), poison };
  } finally {
    await run.close();
  }
}
