/**
 * Process supervision of a fault run: N worker processes of app.ts, spawned with tsx; any exit is recorded with
 * its cause and the slot is started again (until the run closes). Every process is stopped by its pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from '../wait.js';
import { isAlive, PREFIX, type RunContext } from './run-context.js';

const APP = fileURLToPath(new URL('./app.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A process exit seen by the supervisor. */
export interface ExitRecord {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** injected: killed by a fault; poison: the exit job; start-failed: Redis was down at start; stopped: end of run. */
  kind: 'injected' | 'poison' | 'start-failed' | 'stopped' | 'crash';
}

/** One supervised worker process. */
export interface WorkerProc {
  slot: number;
  pid: number;
  child: ChildProcess;
  /** Its consumer name, once it printed `ready <consumer>`. */
  consumer: string | undefined;
  ready: Promise<string>;
  exited: Promise<void>;
  /** Killed by a fault (its exit is not a crash). */
  injected: boolean;
  /** Frozen by a fault or being stopped (not a candidate for another fault). */
  stopped: boolean;
}

/** Keeps N worker processes running; records every exit. */
export class Supervisor {
  /** Every exit, in order. */
  readonly exits: ExitRecord[] = [];
  private readonly procs = new Map<number, WorkerProc>();
  private readonly logs: WriteStream[] = [];
  private closing = false;
  private spawns = 0;

  constructor(private readonly ctx: RunContext) {}

  /** Start every slot's worker; resolves when all are ready. */
  async startAll(): Promise<void> {
    await Promise.all(Array.from({ length: this.ctx.opts.workers }, (_, slot) => this.spawnSlot(slot).ready));
  }

  /** Live, started workers that no fault holds. */
  live(): WorkerProc[] {
    return [...this.procs.values()].filter((p) => p.consumer !== undefined && !p.injected && !p.stopped);
  }

  /** SIGTERM every worker (graceful stop), SIGKILL what is left after `graceMs`. No restarts after this. */
  async stopAll(graceMs = 10_000): Promise<void> {
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
    const late = await Promise.race([all.then(() => false), sleep(graceMs).then(() => true)]);
    if (late) for (const p of procs) if (isAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
    await all;
  }

  /** SIGKILL every worker still running, by pid; close the log files. No restarts after this. */
  async killAll(): Promise<void> {
    this.closing = true;
    for (const p of this.procs.values()) if (isAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
    await Promise.all([...this.procs.values()].map((p) => p.exited));
    await Promise.all(this.logs.map((l) => new Promise((r) => l.end(r))));
  }

  /** Spawn the worker of `slot`; when it exits (for any reason) it is started again until the run closes. */
  private spawnSlot(slot: number): WorkerProc {
    if (++this.spawns > 2000) throw new Error('fault harness: more than 2000 worker spawns; giving up');
    const { ctx } = this;
    const child = spawn(process.execPath, ['--conditions=@sluice/source', '--import', 'tsx', APP], {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL: ctx.redis.url,
        PREFIX,
        RECORD_DIR: ctx.recordDir,
        LEASE: String(ctx.opts.lease),
        MAX_DELIVERIES: String(ctx.opts.maxDeliveries),
        CONCURRENCY: String(ctx.opts.concurrency),
        LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid as number;
    const log = createWriteStream(join(ctx.logDir, `${pid}.log`));
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
    p.ready = this.readyOf(p, log);
    p.ready.catch(() => {});
    child.stderr?.on('data', (d: Buffer) => log.write(d));
    p.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.procs.delete(pid);
        const kind = exitKind(p, code);
        this.exits.push({ pid, code, signal, kind });
        if (kind === 'crash') ctx.say(`worker ${pid} CRASHED (code ${code}, signal ${signal}); see ${ctx.logDir}`);
        if (!this.closing) setTimeout(() => !this.closing && this.spawnSlot(slot), 100);
        resolve();
      });
    });
    this.procs.set(pid, p);
    return p;
  }

  /** Resolves with the consumer name the worker prints (`ready <consumer>`); copies its stdout to `log`. */
  private readyOf(p: WorkerProc, log: WriteStream): Promise<string> {
    let out = '';
    return new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker ${p.pid} did not start within 60 s`)), 60_000);
      p.child.stdout?.on('data', (d: Buffer) => {
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
      p.child.once('exit', () => {
        clearTimeout(t);
        if (!p.consumer) reject(new Error(`worker ${p.pid} exited before it was ready`));
      });
    });
  }
}

/** Why a worker exited: a fault, the end of the run, the poison job (code 3), Redis down at start (2), or a crash. */
function exitKind(p: WorkerProc, code: number | null): ExitRecord['kind'] {
  if (p.injected) return 'injected';
  if (p.stopped) return 'stopped';
  if (code === 3) return 'poison';
  if (code === 2) return 'start-failed';
  return 'crash';
}
