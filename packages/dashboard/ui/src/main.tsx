/**
 * The Sluice dashboard page: a header with the pages and the live status, and the page of the hash route.
 * Every string from the server is rendered as text (Preact escapes children and attributes); nothing here sets
 * innerHTML. No inline script or style: the page runs under the handler's strict CSP.
 */
import { render } from 'preact';
import { get } from './api.js';
import { LoadError, SessionContext, useLoad } from './components/bits.js';
import { ConfirmHost } from './components/confirm.js';
import { NoticeHost } from './components/notice.js';
import { startLive, useOverview } from './live.js';
import { DeadPage } from './pages/dead.js';
import { EnqueuePage } from './pages/enqueue.js';
import { JobPage } from './pages/job.js';
import { OverviewPage } from './pages/overview.js';
import { QueuePage } from './pages/queue.js';
import { SchedulesPage } from './pages/schedules.js';
import { WorkersPage } from './pages/workers.js';
import { href, type Route, useRoute } from './router.js';
import type { Session } from './types.js';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'queue':
      return <QueuePage key={route.queue} queue={route.queue} params={route.params} />;
    case 'job':
      return <JobPage key={`${route.queue}|${route.id}`} queue={route.queue} id={route.id} />;
    case 'dead':
      return <DeadPage key={route.queue} queue={route.queue} />;
    case 'schedules':
      return <SchedulesPage />;
    case 'workers':
      return <WorkersPage />;
    case 'enqueue':
      return <EnqueuePage params={route.params} />;
    default:
      return (
        <div class="page">
          <p class="empty">
            No page at <code>{route.path}</code>. <a href={href()}>Go to the overview</a>.
          </p>
        </div>
      );
  }
}

const MODE_TEXT = { connecting: 'connecting…', live: 'live', polling: 'polling every 2 s', offline: 'offline' };

function App() {
  const route = useRoute();
  const live = useOverview();
  const session = useLoad((signal) => get<Session>('api/session', signal), 'session');
  const s = session.data;
  const section = route.page === 'job' || route.page === 'dead' ? 'queue' : route.page;
  const nav: Array<[string, string, string]> = [
    ['overview', href(), 'Overview'],
    ['schedules', href('schedules'), 'Schedules'],
    ['workers', href('workers'), 'Workers'],
    ['enqueue', href('enqueue'), 'Enqueue'],
  ];
  return (
    <SessionContext.Provider value={s}>
      <header class="top">
        <a class="brand" href={href()}>
          Sluice
        </a>
        <nav aria-label="Pages">
          {nav.map(([id, to, label]) => (
            <a
              key={id}
              href={to}
              aria-current={section === id || (id === 'overview' && section === 'queue') ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <div class="spacer" />
        {s && (s.readOnly || s.role === 'viewer') && <span class="badge b-paused">read-only</span>}
        <span class={`live live-${live.mode}`} id="live-status" title="How counts reach this page">
          {MODE_TEXT[live.mode]}
        </span>
        {s && <span class="muted small">v{s.version}</span>}
      </header>
      <main>
        <LoadError error={session.error} />
        <Page route={route} />
      </main>
      <ConfirmHost />
      <NoticeHost />
    </SessionContext.Provider>
  );
}

// Hash links are resolved against <base href>; follow them in place so a page loaded without the trailing slash
// of its base path does not reload.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  const to = a?.getAttribute('href');
  if (a && to?.startsWith('#')) {
    e.preventDefault();
    location.hash = to;
  }
});

startLive();
const root = document.getElementById('app');
if (root) render(<App />, root);
