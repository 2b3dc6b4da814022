/**
 * A queue's dead letters: reason, error, attempts and when, newest first, with the counts by reason on the page;
 * redrive or purge one, a selection, or all (each asks first).
 */
import { useState } from 'preact/hooks';
import { get, seg } from '../api.js';
import { Ago, Badge, LoadError, useCanWrite, useLoad } from '../components/bits.js';
import { clip, count, firstLine } from '../format.js';
import { useOverview } from '../live.js';
import { href } from '../router.js';
import type { JobPage } from '../types.js';
import { Pager } from './pager.js';
import { deadAction } from './queue-actions.js';

/** The dead letters page. */
export function DeadPage({ queue }: { queue: string }) {
  const live = useOverview();
  const row = live.overview?.queues.find((q) => q.queue === queue);
  const canWrite = useCanWrite();
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const cursor = cursors[cursors.length - 1] ?? '';
  const qs = new URLSearchParams({ state: 'dead', limit: '50', order: 'newest' });
  if (cursor) qs.set('cursor', cursor);
  const page = useLoad(
    (signal) => get<JobPage>(`api/queues/${seg(queue)}/jobs?${qs}`, signal),
    `${queue}|${cursor}|${row?.dead ?? ''}`,
  );
  const jobs = page.data?.jobs ?? [];
  const reasons = new Map<string, number>();
  for (const j of jobs) {
    const r = j.dead?.reason ?? 'unknown';
    reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  const ids = [...selected].filter((id) => jobs.some((j) => j.id === id));
  const run = async (what: 'redrive' | 'purge', which: string[] | 'all') => {
    if (await deadAction(queue, what, which)) {
      setSelected(new Set());
      page.reload();
    }
  };
  const toggle = (id: string, on: boolean) => {
    const s = new Set(selected);
    if (on) s.add(id);
    else s.delete(id);
    setSelected(s);
  };
  const allOn = jobs.length > 0 && jobs.every((j) => selected.has(j.id));
  return (
    <div class="page">
      <header class="page-head">
        <h1>
          <a href={href()}>Queues</a> / <a href={href('queues', queue)}>{queue}</a> / dead letters
        </h1>
        <span class="muted">{count(row?.dead ?? null)} dead</span>
        <div class="spacer" />
        {canWrite && (
          <>
            <button type="button" disabled={ids.length === 0} onClick={() => void run('redrive', ids)}>
              Redrive selected ({ids.length})
            </button>
            <button type="button" class="danger" disabled={ids.length === 0} onClick={() => void run('purge', ids)}>
              Purge selected ({ids.length})
            </button>
            <button type="button" disabled={!row?.dead} onClick={() => void run('redrive', 'all')}>
              Redrive all
            </button>
            <button type="button" class="danger" disabled={!row?.dead} onClick={() => void run('purge', 'all')}>
              Purge all…
            </button>
          </>
        )}
      </header>
      {reasons.size > 0 && (
        <p class="reasons">
          On this page:{' '}
          {[...reasons]
            .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
            .map(([r, n]) => (
              <span key={r} class="reason">
                <Badge kind="dead">{r}</Badge> {n}
              </span>
            ))}
        </p>
      )}
      <LoadError error={page.error} />
      {jobs.length === 0 && page.data && <p class="empty">No dead letters in {queue}.</p>}
      {jobs.length > 0 && (
        <table class="grid jobs" id="dead">
          <thead>
            <tr>
              {canWrite && (
                <th scope="col" class="check">
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allOn}
                    onChange={(e) =>
                      setSelected((e.target as HTMLInputElement).checked ? new Set(jobs.map((j) => j.id)) : new Set())
                    }
                  />
                </th>
              )}
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Reason</th>
              <th scope="col">Error</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Dead since</th>
              {canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.dead?.deadId ?? j.id} data-job-id={j.id}>
                {canWrite && (
                  <td class="check">
                    <input
                      type="checkbox"
                      aria-label={`Select ${j.id}`}
                      checked={selected.has(j.id)}
                      onChange={(e) => toggle(j.id, (e.target as HTMLInputElement).checked)}
                    />
                  </td>
                )}
                <td>
                  <a class="mono" href={href('queues', queue, 'jobs', j.id)}>
                    {j.id || '(no id)'}
                  </a>
                </td>
                <td>{j.name}</td>
                <td>
                  <Badge kind="dead">{j.dead?.reason ?? '?'}</Badge>
                </td>
                <td class="err" title={j.dead?.error ?? ''}>
                  {clip(firstLine(j.dead?.error ?? ''), 100)}
                </td>
                <td class="num">{j.dead?.attempts ?? '—'}</td>
                <td>
                  <Ago t={j.dead?.deadAt ?? null} />
                </td>
                {canWrite && (
                  <td class="row-actions">
                    <div class="btns">
                      <button
                        type="button"
                        class="small"
                        disabled={j.dead?.redrivable === false}
                        onClick={() => void run('redrive', [j.id])}
                      >
                        Redrive
                      </button>
                      <button type="button" class="small danger" onClick={() => void run('purge', [j.id])}>
                        Purge
                      </button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager cursors={cursors} setCursors={setCursors} next={page.data?.cursor} />
    </div>
  );
}
