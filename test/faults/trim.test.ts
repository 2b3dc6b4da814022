/**
 * Fault 7: someone trims the stream (XTRIM MAXLEN 0) while jobs are pending. The jobs of a dead worker whose
 * entries were trimmed are really lost (the payloads are gone), and the loss is reported: an error log, the
 * `job:lost` event and a `reason lost` tombstone per entry in the dead-letter stream, so `queue stats` counts it.
 * The checker's lost set must be exactly the reported set; jobs enqueued afterwards run normally.
 */
import { streamCommands } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { FaultRun } from './harness.js';
import { keyOf } from './jobs.js';
import { log } from './scenario.js';

const { xrange } = streamCommands;

describe('fault: stream trimmed while jobs are pending', () => {
  it('reports every lost job (log, event, dead-letter tombstone, stats); never silent', async () => {
    const run = await FaultRun.start({ fsync: 'everysec', workers: 2, concurrency: 5, log });
    try {
      // ten 3-second jobs, five on each of the two workers
      await run.producer.enqueueAll(0, 10, 3000);
      await run.observe.pendingReaches(10);
      expect((await run.observe.state()).pending).toBe(10);
      const byEntry = new Map(
        (await xrange(run.ctx.admin.connection, run.ctx.keys.stream)).map((e) => [e.id, e.fields.key as string]),
      );
      // one worker dies holding five; then an operator trims the stream, payloads included
      const killed = await run.inject.killWorker();
      expect(killed?.held.length).toBe(5);
      const lostEntries = new Set(killed?.held);
      await run.inject.trimStream();
      // a hundred jobs enqueued afterwards
      await run.producer.enqueueAll(100, 100, 20);
      await run.observe.quiesce(30_000);
      const r = await run.finish();

      const keysOf = (entries: Iterable<string>) => [...entries].map((id) => byEntry.get(id) ?? id).sort();
      const reported = new Set(r.records.flatMap((l) => (l.t === 'lost' ? [l.entry] : [])));
      const tombstones = (await run.observe.deadRecords()).filter((d) => d.reason === 'lost');
      process.stderr.write(
        `trim: ${lostEntries.size} entries of the killed worker trimmed; lost ${r.report.lost.length}, ` +
          `reported lost ${reported.size} (${tombstones.length} tombstones), completed ${r.report.completed}\n`,
      );
      // never silent: every lost job was reported, the killed worker's trimmed entries first of all
      for (const id of lostEntries) expect(reported, `loss of ${id} reported`).toContain(id);
      expect(r.report.lost, 'every lost job was reported').toEqual(
        keysOf([...reported]).filter((k) => r.report.lost.includes(k)),
      );
      expect(r.report.lost.length).toBeGreaterThanOrEqual(lostEntries.size);
      expect(new Set(tombstones.map((d) => d.entryId)), 'a dead-letter tombstone per reported entry').toEqual(reported);
      for (const d of tombstones) expect(d.error).toMatch(/deleted from the stream/);
      expect(r.report.deadWithoutReason).toEqual([]);
      const [stats] = await run.ctx.admin.stats('faults');
      expect(stats?.dead, 'queue stats counts the loss').toBe(reported.size);
      // every job enqueued after the trim ran
      for (let n = 100; n < 200; n++) expect(r.report.lost).not.toContain(keyOf(n));
      expect(r.report.quiescence).toEqual([]);
      expect(r.exits.filter((e) => e.kind === 'crash')).toEqual([]);
    } finally {
      await run.close();
    }
  });
});
