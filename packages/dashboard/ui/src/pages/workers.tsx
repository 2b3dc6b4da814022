/** Workers: every live worker, drain and push dispatcher with its host, pid, version, queues and load. */
import { get } from '../api.js';
import { Ago, Badge, LoadError, useLoad, useNow } from '../components/bits.js';
import { count } from '../format.js';
import { useOverview } from '../live.js';
import { href } from '../router.js';
import type { WorkerInfo } from '../types.js';

/** The workers page. */
export function WorkersPage() {
  const now = useNow(2000);
  const live = useOverview();
  const liveKey = (live.overview?.queues ?? []).map((q) => q.workers).join(',');
  const w = useLoad(
    (signal) => get<{ workers: WorkerInfo[] }>('api/workers', signal),
    `${liveKey}|${Math.floor(now / 10_000)}`,
  );
  const list = w.data?.workers ?? [];
  return (
    <div class="page">
      <header class="page-head">
        <h1>Workers</h1>
        {w.data && (
          <span class="muted">
            {list.length} live · {count(list.reduce((a, x) => a + x.inFlight, 0))} jobs in flight
          </span>
        )}
      </header>
      <LoadError error={w.error} unavailable={w.unavailable} />
      {w.data && list.length === 0 && <p class="empty">No live workers.</p>}
      {list.length > 0 && (
        <table class="grid" id="workers">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Kind</th>
              <th scope="col">Host</th>
              <th scope="col" class="num">
                Pid
              </th>
              <th scope="col">Version</th>
              <th scope="col">Queues</th>
              <th scope="col" class="num">
                In flight
              </th>
              <th scope="col">Started</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {list.map((x) => (
              <tr key={x.id}>
                <td class="mono">{x.id}</td>
                <td>
                  <Badge kind="kind">{x.kind}</Badge>
                </td>
                <td>{x.host}</td>
                <td class="num">{x.pid}</td>
                <td>{x.version}</td>
                <td>
                  {x.queues.map((q, i) => (
                    <span key={q}>
                      {i > 0 ? ', ' : ''}
                      <a href={href('queues', q)}>{q}</a>
                    </span>
                  ))}
                </td>
                <td class="num">
                  {count(x.inFlight)} / {count(x.concurrency)}
                </td>
                <td>
                  <Ago t={x.startedAt} now={now} />
                </td>
                <td>
                  <Ago t={x.lastSeenAt} now={now} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
