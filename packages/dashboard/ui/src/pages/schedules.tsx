/** Schedules: pattern, time zone, last and next run; run one now. */
import { get, post, seg } from '../api.js';
import { Ago, LoadError, useCanWrite, useLoad, useNow } from '../components/bits.js';
import { when } from '../format.js';
import { href } from '../router.js';
import type { ScheduleInfo } from '../types.js';
import { act } from './queue-actions.js';

/** The schedules page. */
export function SchedulesPage() {
  const canWrite = useCanWrite();
  const now = useNow(5000);
  const minute = Math.floor(now / 30_000);
  const s = useLoad((signal) => get<{ schedules: ScheduleInfo[] }>('api/schedules', signal), `s${minute}`);
  const list = s.data?.schedules ?? [];
  return (
    <div class="page">
      <header class="page-head">
        <h1>Schedules</h1>
        {s.data && <span class="muted">{list.length} schedules</span>}
      </header>
      <LoadError error={s.error} unavailable={s.unavailable} />
      {s.data && list.length === 0 && <p class="empty">No schedules. A job defined with `schedule` appears here.</p>}
      {list.length > 0 && (
        <table class="grid" id="schedules">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Job</th>
              <th scope="col">Pattern</th>
              <th scope="col">Time zone</th>
              <th scope="col">Last run</th>
              <th scope="col">Next run</th>
              {canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((x) => (
              <tr key={`${x.queue}|${x.name}`}>
                <td>
                  <a href={href('queues', x.queue)}>{x.queue}</a>
                </td>
                <td>{x.name}</td>
                <td class="mono">{x.pattern}</td>
                <td>{x.tz}</td>
                <td>
                  <Ago t={x.lastTickAt} now={now} />
                </td>
                <td title={when(x.nextRunAt)}>
                  <Ago t={x.nextRunAt} now={now} />
                </td>
                {canWrite && (
                  <td>
                    <button
                      type="button"
                      class="small"
                      onClick={() =>
                        void act(
                          () => post<{ id: string }>(`api/queues/${seg(x.queue)}/schedules/${seg(x.name)}/run`),
                          (r) => `Enqueued ${x.name} now as ${r?.id ?? 'a new job'}`,
                        ).then(() => s.reload())
                      }
                    >
                      Run now
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
