/**
 * Observation of a fault run: the queue's state in Redis, waiting for quiescence, the workers' record files
 * (the execution history, kept outside Redis), the dead-letter stream, and the final state the checker reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP, streamCommands } from '@sluice/core/internal';
import { msUntil } from '../wait.js';
import type { DeadRecord, FinalState } from './checker.js';
import { QUEUE } from './jobs.js';
import type { RunContext } from './run-context.js';

const { xpending, xrange, xlen } = streamCommands;

/** A line of a worker's record file (see app.ts). */
export type RecordLine =
  | { t: 'start'; n: number; prio?: 'high' | 'low'; tenant?: string; pid: number; at: number }
  | { t: 'exec'; n: number; job: string; attempt: number; pid: number; at: number }
  | { t: 'ok'; job: string; entry: string; at: number }
  | { t: 'lease-lost'; job: string; entry: string; during: string; at: number }
  | { t: 'dead'; job: string; reason: string; at: number }
  | { t: 'lost'; entry: string; at: number };

/** Every record line, with the pid of the file it came from. */
export type Recorded = RecordLine & { file: number };

/** Reads what happened. */
export class Observer {
  constructor(private readonly ctx: RunContext) {}

  /** XLEN, pending count and delayed count of the queue. */
  async state(): Promise<{ xlen: number; pending: number; delayed: number }> {
    const c = this.ctx.admin.connection;
    const k = this.ctx.keys;
    const [len, p, delayed] = await Promise.all([
      xlen(c, k.stream),
      xpending(c, k.stream, GROUP),
      c.send(['ZCARD', k.delayed], k.delayed),
    ]);
    return { xlen: len, pending: p.count, delayed: Number(delayed) };
  }

  /** Resolves once `count` jobs are pending (delivered to some worker); throws after `maxMs`. */
  async pendingReaches(count: number, maxMs = 30_000): Promise<void> {
    const ms = await msUntil(async () => (await this.state()).pending >= count, maxMs, 50);
    if (ms === null) throw new Error(`fewer than ${count} jobs pending after ${maxMs} ms`);
  }

  /** Wait (at most `maxMs`) until the stream, the pending list and the delayed set are empty. Returns the ms. */
  async quiesce(maxMs = 60_000): Promise<number | null> {
    await this.ctx.settled();
    const t = await msUntil(
      async () => {
        const s = await this.state();
        return s.xlen === 0 && s.pending === 0 && s.delayed === 0;
      },
      maxMs,
      200,
    );
    this.ctx.say(t === null ? `NOT quiescent after ${maxMs} ms: ${JSON.stringify(await this.state())}` : 'quiescent');
    return t;
  }

  /** Every record line of every worker (a torn last line of a killed process is skipped). */
  records(): Recorded[] {
    const out: Recorded[] = [];
    for (const f of readdirSync(this.ctx.recordDir)) {
      const file = Number.parseInt(f, 10);
      for (const line of readFileSync(join(this.ctx.recordDir, f), 'utf8').split('\n')) {
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
    const entries = await xrange(this.ctx.admin.connection, this.ctx.keys.dead, { count: 100_000 });
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
    const [st] = await this.ctx.admin.stats(QUEUE);
    const deadLen = await xlen(this.ctx.admin.connection, this.ctx.keys.dead);
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
}
