/** The list of jobs of a queue page: id, name, what matters for the state, and a clipped payload. */
import { Ago, Badge, useCanWrite } from '../components/bits.js';
import { clip, duration, firstLine } from '../format.js';
import { href } from '../router.js';
import type { JobInfo } from '../types.js';
import { jobAction } from './queue-actions.js';

function Detail({ j }: { j: JobInfo }) {
  if (j.running)
    return (
      <span>
        <code>{j.running.consumer}</code> · lease age {duration(j.running.idleMs)} · delivered {j.running.deliveries}×
      </span>
    );
  if (j.state === 'delayed') return <Ago t={j.dueAt ?? null} />;
  if (j.dead)
    return (
      <span>
        <Badge kind="dead">{j.dead.reason}</Badge> <span class="err">{clip(firstLine(j.dead.error), 80)}</span>
      </span>
    );
  if (j.state === 'completed')
    return (
      <span>
        <Ago t={j.finishedAt ?? null} />
        {j.result !== undefined && <span class="mono"> · {clip(JSON.stringify(j.result) ?? '', 60)}</span>}
        {j.resultError !== undefined && <span class="err"> · result not stored</span>}
      </span>
    );
  if (j.cancelled)
    return (
      <span>
        from {j.cancelled.from}, <Ago t={j.cancelled.at} />
      </span>
    );
  return <span class="muted">—</span>;
}

const DETAIL: Record<string, string> = {
  running: 'Worker',
  delayed: 'Due',
  dead: 'Reason',
  cancelled: 'Cancelled',
  completed: 'Finished · result',
};

/** The table; delayed jobs get Run now and Cancel buttons (then `changed()`). */
export function JobTable(props: { queue: string; jobs: JobInfo[]; state: string; changed: () => void }) {
  const { queue, jobs, state, changed } = props;
  const rowActions = useCanWrite() && state === 'delayed';
  if (jobs.length === 0) return null;
  return (
    <table class="grid jobs" id="jobs">
      <thead>
        <tr>
          <th scope="col">Id</th>
          <th scope="col">Name</th>
          <th scope="col" class="num">
            Attempt
          </th>
          <th scope="col">Enqueued</th>
          <th scope="col">{DETAIL[state] ?? 'State'}</th>
          <th scope="col">Payload</th>
          {rowActions && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={`${j.id}|${j.entryId ?? ''}`} data-job-id={j.id}>
            <td>
              <a href={href('queues', queue, 'jobs', j.id)} class="mono">
                {j.id}
              </a>
            </td>
            <td>{j.name}</td>
            <td class="num">{j.attempt ?? '—'}</td>
            <td>
              <Ago t={j.enqueuedAt} />
            </td>
            <td>{DETAIL[state] ? <Detail j={j} /> : <Badge kind={j.state}>{j.state}</Badge>}</td>
            <td class="payload mono">{clip(j.data, 140)}</td>
            {rowActions && (
              <td class="row-actions">
                <div class="btns">
                  <button
                    type="button"
                    class="small"
                    onClick={() => void jobAction(queue, j.id, 'promote').then(changed)}
                  >
                    Run now
                  </button>
                  <button
                    type="button"
                    class="small danger"
                    onClick={() => void jobAction(queue, j.id, 'cancel').then(changed)}
                  >
                    Cancel
                  </button>
                </div>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
