/**
 * A queue: its counts by state (live), pause/resume and empty, the jobs of one state with cursor pagination, and
 * search by job id (an exact id is looked up directly), name and payload text.
 */
import { useState } from 'preact/hooks';
import { ApiError, get, seg } from '../api.js';
import { Badge, LoadError, useCanWrite, useLoad } from '../components/bits.js';
import { count, duration } from '../format.js';
import { useOverview } from '../live.js';
import { href, navigate } from '../router.js';
import type { JobInfo, JobPage, QueueRow } from '../types.js';
import { JobTable } from './job-table.js';
import { HistoryPanel } from './overview.js';
import { Pager } from './pager.js';
import { emptyQueue, setPaused } from './queue-actions.js';

// No cancelled tab: core has no list of cancelled jobs (the server answers 400); one is found by its id.
const STATES = ['ready', 'running', 'delayed', 'dead', 'completed'] as const;

/** The tabs to offer: Completed only while retention keeps jobs (or when it is the one open). */
const tabs = (row: QueueRow | undefined, state: string) =>
  STATES.filter((s) => s !== 'completed' || (row?.completed ?? null) !== null || state === 'completed');

function stateCount(row: QueueRow | undefined, s: string): string {
  if (!row) return '';
  const v = (row as unknown as Record<string, unknown>)[s];
  return typeof v === 'number' ? count(v) : '';
}

/** The queue page. */
export function QueuePage({ queue, params }: { queue: string; params: URLSearchParams }) {
  const state = params.get('state') ?? 'ready';
  const search = params.get('search') ?? '';
  const name = params.get('name') ?? '';
  const order = params.get('order') === 'newest' ? 'newest' : 'oldest';
  const live = useOverview();
  const row = live.overview?.queues.find((q) => q.queue === queue);
  const canWrite = useCanWrite();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1] ?? '';
  const filterKey = `${queue}|${state}|${search}|${name}|${order}`;
  const [lastFilter, setLastFilter] = useState(filterKey);
  if (lastFilter !== filterKey) {
    setLastFilter(filterKey);
    setCursors([]);
  }
  const qs = new URLSearchParams({ state, limit: '50', order });
  if (search) qs.set('search', search);
  if (name) qs.set('name', name);
  if (cursor) qs.set('cursor', cursor);
  // The list reloads when this queue's counts change (live), so it follows the queue without a reload button.
  const rowKey = row ? `${row.ready}|${row.running}|${row.delayed}|${row.dead}|${row.completed}` : '';
  const page = useLoad(
    (signal) => get<JobPage>(`api/queues/${seg(queue)}/jobs?${qs}`, signal),
    `${filterKey}|${cursor}|${rowKey}`,
  );
  const exact = useLoad(
    (signal) =>
      search.trim() === ''
        ? Promise.resolve(null)
        : get<JobInfo>(`api/queues/${seg(queue)}/jobs/${seg(search.trim())}`, signal).catch((e: unknown) => {
            if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return null;
            throw e;
          }),
    `${queue}|${search}`,
  );
  const go = (over: Record<string, string | undefined>) =>
    navigate(href('queues', queue, { state, search, name, order: order === 'newest' ? order : undefined, ...over }));
  return (
    <div class="page">
      <header class="page-head">
        <h1>
          <a href={href()}>Queues</a> / <span class="name">{queue}</span>
        </h1>
        {row?.paused ? <Badge kind="paused">paused</Badge> : row ? <Badge kind="ok">active</Badge> : null}
        {row && (
          <span class="muted">
            {count(row.workers)} workers · oldest ready{' '}
            {row.oldestReadyAgeMs === null ? '—' : duration(row.oldestReadyAgeMs)}
          </span>
        )}
        <div class="spacer" />
        <a class="button" href={href('queues', queue, 'dead')}>
          Dead letters ({count(row?.dead ?? null)})
        </a>
        {canWrite && (
          <>
            <a class="button" href={href('enqueue', { queue })}>
              Enqueue…
            </a>
            <button type="button" onClick={() => void setPaused(queue, !row?.paused)} id="pause-toggle">
              {row?.paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" class="danger" onClick={() => void emptyQueue(queue)}>
              Empty…
            </button>
          </>
        )}
      </header>
      <nav class="tabs" aria-label="Job states">
        {tabs(row, state).map((s) => (
          <a
            key={s}
            href={href('queues', queue, { state: s, search, name })}
            aria-current={s === state ? 'page' : undefined}
          >
            {s} <span class="tab-count">{stateCount(row, s)}</span>
          </a>
        ))}
      </nav>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          go({ search: String(f.get('search') ?? '').trim(), name: String(f.get('name') ?? '').trim() });
        }}
      >
        <input
          type="search"
          name="search"
          placeholder="Job id, name or payload text"
          aria-label="Search"
          defaultValue={search}
          key={`s${search}`}
        />
        <input name="name" placeholder="Job name (exact)" aria-label="Job name" defaultValue={name} key={`n${name}`} />
        <select aria-label="Order" value={order} onChange={(e) => go({ order: (e.target as HTMLSelectElement).value })}>
          <option value="oldest">Oldest first</option>
          <option value="newest">Newest first</option>
        </select>
        <button type="submit" class="primary">
          Search
        </button>
        {(search || name) && (
          <button type="button" onClick={() => go({ search: undefined, name: undefined })}>
            Clear
          </button>
        )}
      </form>
      {exact.data && (
        <p class="exact" id="exact-match">
          Job with id <code>{exact.data.id}</code> is <Badge kind={exact.data.state}>{exact.data.state}</Badge>{' '}
          <a href={href('queues', queue, 'jobs', exact.data.id)}>open it</a>
        </p>
      )}
      <LoadError error={page.error} unavailable={page.unavailable} />
      {page.data && <JobTable queue={queue} jobs={page.data.jobs} state={state} changed={page.reload} />}
      {page.data && page.data.jobs.length === 0 && (
        <p class="empty">{search || name ? `No ${state} job matches.` : `No ${state} jobs.`}</p>
      )}
      <Pager cursors={cursors} setCursors={setCursors} next={page.data?.cursor}>
        {page.data?.scanned !== undefined ? ` · scanned ${count(page.data.scanned)} entries` : ''}
        {page.loading ? ' · loading…' : ''}
      </Pager>
      <HistoryPanel queues={[queue]} title="Throughput" />
    </div>
  );
}
