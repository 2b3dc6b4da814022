/**
 * Overview: every queue with its counts (live through the overview event), and completed/failed jobs per step
 * for the last hour or day, summed over the queues.
 */
import { useState } from 'preact/hooks';
import { get, seg } from '../api.js';
import { Badge, LoadError, useLoad } from '../components/bits.js';
import { ThroughputChart } from '../components/chart.js';
import { count, duration } from '../format.js';
import { useOverview } from '../live.js';
import { href } from '../router.js';
import type { History, HistoryPoint, QueueRow } from '../types.js';

/** The history of several queues, summed step by step. */
export function sumHistories(hs: History[]): { stepMs: number; points: HistoryPoint[] } {
  const byT = new Map<number, HistoryPoint>();
  for (const h of hs)
    for (const p of h.points) {
      const s = byT.get(p.t) ?? { t: p.t, completed: 0, failed: 0 };
      s.completed += p.completed;
      s.failed += p.failed;
      byT.set(p.t, s);
    }
  return { stepMs: hs[0]?.stepMs ?? 60_000, points: [...byT.values()].sort((a, b) => a.t - b.t) };
}

/** The history chart for `queues` (all of them summed), with an hour/day switch. */
export function HistoryPanel({ queues, title }: { queues: string[]; title: string }) {
  const [range, setRange] = useState<'hour' | 'day'>('hour');
  // Reload once a minute (the counters are per minute), or when the queue list or the range changes.
  const minute = Math.floor(Date.now() / 60_000);
  const h = useLoad(
    (signal) =>
      Promise.all(
        queues.slice(0, 50).map((q) => get<History>(`api/queues/${seg(q)}/history?range=${range}`, signal)),
      ).then(sumHistories),
    `${range}|${queues.join('\u0000')}|${minute}`,
  );
  const totals = (h.data?.points ?? []).reduce(
    (a, p) => ({ completed: a.completed + p.completed, failed: a.failed + p.failed }),
    { completed: 0, failed: 0 },
  );
  return (
    <section class="panel">
      <header class="panel-head">
        <h2>{title}</h2>
        <span class="muted">
          last {range}: {count(totals.completed)} completed, {count(totals.failed)} failed
        </span>
        <fieldset class="seg" aria-label="Range">
          {(['hour', 'day'] as const).map((r) => (
            <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r)}>
              {r === 'hour' ? 'Last hour' : 'Last day'}
            </button>
          ))}
        </fieldset>
      </header>
      <LoadError error={h.error} />
      {h.data && <ThroughputChart points={h.data.points} stepMs={h.data.stepMs} title="" />}
    </section>
  );
}

function QueueLine({ q }: { q: QueueRow }) {
  const link = href('queues', q.queue);
  return (
    <tr data-queue={q.queue}>
      <th scope="row">
        <a href={link}>{q.queue}</a>
      </th>
      <td class="num">
        <a href={href('queues', q.queue, { state: 'ready' })}>{count(q.ready)}</a>
      </td>
      <td class="num">
        <a href={href('queues', q.queue, { state: 'running' })}>{count(q.running)}</a>
      </td>
      <td class="num">
        <a href={href('queues', q.queue, { state: 'delayed' })}>{count(q.delayed)}</a>
      </td>
      <td class={q.dead > 0 ? 'num warn' : 'num'}>
        <a href={href('queues', q.queue, 'dead')}>{count(q.dead)}</a>
      </td>
      <td class="num">{count(q.completed)}</td>
      <td class="num">{q.oldestReadyAgeMs === null ? '—' : duration(q.oldestReadyAgeMs)}</td>
      <td>{q.paused ? <Badge kind="paused">paused</Badge> : <Badge kind="ok">active</Badge>}</td>
      <td class={q.workers === 0 && q.ready > 0 ? 'num warn' : 'num'}>{count(q.workers)}</td>
    </tr>
  );
}

/** The overview page. */
export function OverviewPage() {
  const live = useOverview();
  const queues = live.overview?.queues ?? [];
  const total = queues.reduce(
    (a, q) => ({ ready: a.ready + q.ready, running: a.running + q.running, dead: a.dead + q.dead }),
    { ready: 0, running: 0, dead: 0 },
  );
  return (
    <div class="page">
      <header class="page-head">
        <h1>Queues</h1>
        <span class="muted">
          {count(queues.length)} queues · {count(total.ready)} ready · {count(total.running)} running ·{' '}
          {count(total.dead)} dead
        </span>
      </header>
      <LoadError error={live.error} />
      {live.overview === null ? (
        <p class="muted">Loading…</p>
      ) : queues.length === 0 ? (
        <p class="empty">No queues yet. Enqueue a job or start a worker.</p>
      ) : (
        <table class="grid" id="queues">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col" class="num">
                Ready
              </th>
              <th scope="col" class="num">
                Running
              </th>
              <th scope="col" class="num">
                Delayed
              </th>
              <th scope="col" class="num">
                Dead
              </th>
              <th scope="col" class="num">
                Completed
              </th>
              <th scope="col" class="num">
                Oldest ready
              </th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Workers
              </th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <QueueLine key={q.queue} q={q} />
            ))}
          </tbody>
        </table>
      )}
      {queues.length > 0 && (
        <HistoryPanel queues={queues.map((q) => q.queue)} title="Throughput, all queues (per minute / 15 min)" />
      )}
    </div>
  );
}
