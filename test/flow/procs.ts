/**
 * Worker processes of flow-app.ts for the flow-control process tests and the fault suite: spawn with tsx, read
 * their record files, turn the records into spans and starts for the checkers. Every process is stopped by its
 * pid (`killAll`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Span } from './checker.js';

const app = fileURLToPath(new URL('./flow-app.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** One worker process. */
export interface FlowProc {
  child: ChildProcess;
  pid: number;
  consumer: string;
  exited: Promise<unknown>;
}

/** One recorded line of flow-app.ts (`n` and `k` are absent from a `lease-lost` line). */
export interface FlowRecord {
  t: 'start' | 'end' | 'lease-lost';
  job: 'fc' | 'rl';
  n: number;
  k?: string;
  id: string;
  attempt: number;
  pid: number;
  at: number;
}

/** The worker processes of one test, with their record directory. */
export class FlowProcs {
  readonly dir = mkdtempSync(join(tmpdir(), 'sluice-flow-'));
  readonly procs: FlowProc[] = [];

  constructor(private readonly env: Record<string, string>) {}

  /** Start one worker process; resolves once it printed `ready`. */
  async spawn(): Promise<FlowProc> {
    const child = spawn(process.execPath, ['--conditions=@sluice/source', '--import', 'tsx', app], {
      cwd: root,
      env: { ...process.env, RECORD_DIR: this.dir, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let err = '';
    child.stderr?.on('data', (d) => {
      err += String(d);
    });
    const consumer = await new Promise<string>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`flow worker did not start within 30 s: ${err}`)), 30_000);
      child.stdout?.on('data', (d) => {
        out += String(d);
        const m = /ready (\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1] as string);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`flow worker exited with ${code}: ${err}`));
      });
    });
    const p = { child, pid: child.pid as number, consumer, exited };
    this.procs.push(p);
    return p;
  }

  /** SIGKILL `p` and wait for its exit; returns the time of the kill. */
  async kill(p: FlowProc): Promise<number> {
    const at = Date.now();
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
    return at;
  }

  /** Every record line so far, from every process. */
  records(): FlowRecord[] {
    const out: FlowRecord[] = [];
    for (const f of readdirSync(this.dir)) {
      for (const line of readFileSync(join(this.dir, f), 'utf8').split('\n')) {
        if (line) out.push(JSON.parse(line) as FlowRecord);
      }
    }
    return out;
  }

  /** SIGKILL every process still running (by pid). */
  async killAll(): Promise<void> {
    for (const p of this.procs.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        process.kill(p.pid, 'SIGKILL');
        await p.exited;
      }
    }
  }
}

/**
 * The runs of job `fc` as spans (one per start, closed by the matching end of the same pid, job and attempt).
 * `leaseLost`: the fence rejected the run's renewal or finish: its worker had stalled past the lease, so another
 * worker could take the job and its slots while it still ran (docs/reliability.md); a concurrency limit holds
 * only among runs that kept their lease, so the checks leave these out.
 */
export function spansOf(records: readonly FlowRecord[]): Array<Span & { pid: number; n: number; leaseLost: boolean }> {
  const ends = new Map<string, number>();
  const lost = new Set<string>();
  const run = (r: FlowRecord) => `${r.pid}:${r.id}:${r.attempt}`;
  for (const r of records) {
    if (r.job === 'fc' && r.t === 'end') ends.set(run(r), r.at);
    if (r.job === 'fc' && r.t === 'lease-lost') lost.add(run(r));
  }
  return records
    .filter((r) => r.job === 'fc' && r.t === 'start')
    .map((r) => ({
      key: r.k ?? '',
      start: r.at,
      end: ends.get(run(r)),
      pid: r.pid,
      n: r.n,
      leaseLost: lost.has(run(r)),
    }));
}
