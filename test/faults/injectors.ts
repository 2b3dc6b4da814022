/**
 * The fault injectors of a fault run: SIGKILL a worker, SIGSTOP one past its lease, kill -9 and restart the
 * server (AOF), CLIENT KILL the workers' connections, CLIENT PAUSE WRITE, trim the stream. Each records what it
 * did and, for worker faults, how long until the jobs the worker held were taken over.
 */
import { GROUP, streamCommands } from '@sluice/core/internal';
import { pendingOf, type Sender } from '../queue-fixtures.js';
import { startRedisServer } from '../redis-server.js';
import { msUntil, sleep } from '../wait.js';
import { type FaultKind, isAlive, type RunContext, redisArgs } from './run-context.js';
import type { Supervisor } from './supervisor.js';

const { xpending, xrange } = streamCommands;

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

const jitter = (ms: number) => Math.round(ms * (0.7 + Math.random() * 0.6));

/** Injects faults into a running system and records each. */
export class Injectors {
  /** Every fault injected, in order. */
  readonly records: FaultRecord[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly workers: Supervisor,
    /** Connections CLIENT KILL spares besides the admin one (the producer's). */
    private readonly spared: readonly Sender[] = [],
  ) {}

  private held(consumer: string): Promise<string[]> {
    return pendingOf(this.ctx.admin.connection, this.ctx.keys, consumer);
  }

  private record(rec: FaultRecord): FaultRecord {
    this.records.push(rec);
    this.ctx.say(rec.detail);
    return rec;
  }

  /** SIGKILL a random worker; the supervisor restarts it. Recovery: until its pending list is taken over. */
  async killWorker(): Promise<{ rec: FaultRecord; pid: number; held: string[] } | undefined> {
    const live = this.workers.live();
    const p = live[Math.floor(Math.random() * live.length)];
    if (!p) return undefined;
    const at = this.ctx.now();
    p.injected = true;
    process.kill(p.pid, 'SIGKILL');
    const consumer = p.consumer as string;
    const held = await this.held(consumer).catch(() => [] as string[]);
    const detail = `SIGKILL pid ${p.pid} holding ${held.length} job(s)`;
    const rec = this.record({ kind: 'kill-worker', at, endAt: at, detail, recoveredMs: null });
    this.ctx.track(
      msUntil(async () => (await this.held(consumer)).length === 0, 60_000).then((ms) => {
        rec.recoveredMs = ms === null ? null : this.ctx.now() - at;
      }),
    );
    return { rec, pid: p.pid, held };
  }

  /**
   * SIGSTOP the worker holding the most jobs for `ms` (longer than the lease) and until other workers took its jobs
   * over, then SIGCONT. Returns what it held (entry id -> key) so a test can check that each of those jobs was
   * finished once, by another worker.
   */
  async stopWorker(
    ms = 2.5 * this.ctx.opts.lease,
  ): Promise<{ rec: FaultRecord; pid: number; held: Map<string, string> }> {
    const { admin, keys } = this.ctx;
    const summary = await xpending(admin.connection, keys.stream, GROUP);
    const most = (c: string | undefined) => summary.consumers.find((x) => x.name === c)?.pending ?? 0;
    const p = [...this.workers.live()].sort((a, b) => most(b.consumer) - most(a.consumer))[0];
    if (!p) throw new Error('stopWorker: no live worker');
    const at = this.ctx.now();
    p.stopped = true;
    process.kill(p.pid, 'SIGSTOP');
    const consumer = p.consumer as string;
    const held = new Map<string, string>();
    for (const id of await this.held(consumer)) {
      const [e] = await xrange(admin.connection, keys.stream, { start: id, end: id });
      if (e?.fields.key) held.set(id, e.fields.key);
    }
    const detail = `SIGSTOP pid ${p.pid} for ${ms} ms holding ${held.size} job(s)`;
    const rec = this.record({ kind: 'stop-worker', at, endAt: at + ms, detail, recoveredMs: null });
    const taken = this.ctx.track(
      msUntil(async () => {
        const now = new Set(await this.held(consumer));
        return [...held.keys()].every((id) => !now.has(id));
      }, 60_000),
    );
    await sleep(ms); // the shortest length of the fault
    // wake it only once its jobs were taken over (bounded: null after 60 s): on a busy machine the other workers'
    // sweeps may come later than `ms`, and a worker woken before them still owns its jobs, so there is no zombie
    rec.recoveredMs = await taken;
    rec.endAt = this.ctx.now();
    process.kill(p.pid, 'SIGCONT');
    p.stopped = false;
    this.ctx.say(`SIGCONT pid ${p.pid}; its jobs were taken over after ${rec.recoveredMs} ms`);
    return { rec, pid: p.pid, held };
  }

  /** kill -9 the server, wait `downMs`, restart it on the same port and directory (AOF). */
  async killRedis(downMs = 500): Promise<FaultRecord> {
    const { ctx } = this;
    const at = ctx.now();
    const pid = ctx.redis.pid as number;
    process.kill(pid, 'SIGKILL');
    await msUntil(async () => !isAlive(pid), 5000, 10);
    await ctx.redis.stop();
    await sleep(downMs); // the length of the outage
    ctx.redis = await startRedisServer({ port: ctx.redis.port, dir: ctx.redis.dir, args: redisArgs(ctx.opts.fsync) });
    const detail = `kill -9 redis-server (pid ${pid}), down ${ctx.now() - at} ms, restarted (pid ${ctx.redis.pid})`;
    return this.record({ kind: 'kill-redis', at, endAt: ctx.now(), detail, recoveredMs: null });
  }

  /** CLIENT KILL every connection but the harness's own (the workers' main and blocking connections). */
  async clientKill(): Promise<FaultRecord> {
    const admin = this.ctx.admin.connection;
    const at = this.ctx.now();
    const mine = new Set((await Promise.all([admin, ...this.spared].map((c) => c.send(['CLIENT', 'ID'])))).map(String));
    const list = String(await admin.send(['CLIENT', 'LIST', 'TYPE', 'normal']));
    const victims = list
      .split('\n')
      .map((l) => ({ id: /\bid=(\d+)/.exec(l)?.[1], cmd: /\bcmd=(\S+)/.exec(l)?.[1] }))
      .filter((c): c is { id: string; cmd: string | undefined } => c.id !== undefined && !mine.has(c.id));
    let killed = 0;
    for (const v of victims) killed += Number(await admin.send(['CLIENT', 'KILL', 'ID', v.id]));
    const blocked = victims.filter((v) => v.cmd === 'xreadgroup').length;
    const detail = `CLIENT KILL ${killed} worker connection(s), ${blocked} of them blocked in XREADGROUP`;
    return this.record({ kind: 'client-kill', at, endAt: this.ctx.now(), detail, recoveredMs: null });
  }

  /** CLIENT PAUSE `ms` WRITE (longer than the lease). */
  async pauseWrites(ms = 2.5 * this.ctx.opts.lease): Promise<FaultRecord> {
    const at = this.ctx.now();
    await this.ctx.admin.connection.send(['CLIENT', 'PAUSE', String(Math.round(ms)), 'WRITE']);
    await sleep(ms); // the length of the fault
    return this.record({
      kind: 'pause-writes',
      at,
      endAt: at + ms,
      detail: `CLIENT PAUSE ${ms} WRITE`,
      recoveredMs: null,
    });
  }

  /** An operator trims the whole stream (XTRIM MAXLEN 0): pending entries lose their payloads. */
  async trimStream(): Promise<void> {
    const s = this.ctx.keys.stream;
    await this.ctx.admin.connection.send(['XTRIM', s, 'MAXLEN', '0'], s);
    this.ctx.say('XTRIM MAXLEN 0');
  }

  /** Inject one fault of `kind`. */
  async inject(kind: FaultKind): Promise<void> {
    if (kind === 'kill-worker') await this.killWorker();
    else if (kind === 'kill-redis') await this.killRedis();
    else if (kind === 'client-kill') await this.clientKill();
    else if (kind === 'stop-worker') await this.stopWorker();
    else await this.pauseWrites();
  }

  /**
   * Inject `kinds` in turn, one every ~`everyMs` (jittered), for `forMs`, and at least `min` faults however long
   * they take (a busy machine makes each fault and its recovery slower). Returns how many.
   */
  async loop(kinds: readonly FaultKind[], forMs: number, everyMs: number, min = 0): Promise<number> {
    const end = Date.now() + forMs;
    const before = this.records.length;
    const more = () => Date.now() < end || (this.records.length - before < min && Date.now() < end + 120_000);
    let n = 0;
    for (; more() && n < 10_000 && kinds.length; n++) {
      await sleep(jitter(everyMs)); // pacing between faults
      if (!more()) break;
      const kind = kinds[n % kinds.length] as FaultKind;
      try {
        await this.inject(kind);
      } catch (e) {
        this.ctx.say(`fault ${kind} failed to inject: ${(e as Error).message}`);
      }
    }
    return n;
  }
}
