/**
 * One job: state and timings, the payload as indented JSON, the worker holding it, the dead letter's error and
 * stack, attempts, progress and result when the server has them; retry, run now, cancel, delete.
 */
import type { ComponentChildren } from 'preact';
import { ApiError, get, seg } from '../api.js';
import { Ago, Badge, LoadError, useCanWrite, useLoad } from '../components/bits.js';
import { count, duration, pretty, prettyJson, when } from '../format.js';
import { useOverview } from '../live.js';
import { href, navigate } from '../router.js';
import type { JobInfo } from '../types.js';
import { actionLabel, actionsFor, jobAction } from './queue-actions.js';

function Row({ k, children }: { k: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Timings({ j }: { j: JobInfo }) {
  return (
    <dl class="facts">
      <Row k="State">
        <Badge kind={j.state}>{j.state}</Badge>
      </Row>
      <Row k="Name">{j.name || '—'}</Row>
      <Row k="Attempt">{j.attempt ?? '—'}</Row>
      <Row k="Enqueued">
        {when(j.enqueuedAt)} (<Ago t={j.enqueuedAt} />)
      </Row>
      {j.firstFailedAt !== undefined && <Row k="First failed">{when(j.firstFailedAt)}</Row>}
      {j.dueAt !== undefined && (
        <Row k="Due">
          {when(j.dueAt)} (<Ago t={j.dueAt} />)
        </Row>
      )}
      {j.startedAt !== undefined && <Row k="Started">{when(j.startedAt)}</Row>}
      {j.finishedAt !== undefined && <Row k="Finished">{when(j.finishedAt)}</Row>}
      {j.key !== undefined && (
        <Row k="Idempotency key">
          <code>{j.key}</code>
        </Row>
      )}
      {j.entryId !== undefined && (
        <Row k="Stream entry">
          <code>{j.entryId}</code>
        </Row>
      )}
      {j.cancelled && (
        <Row k="Cancelled">
          {when(j.cancelled.at)} (was {j.cancelled.from})
        </Row>
      )}
    </dl>
  );
}

function Running({ r }: { r: NonNullable<JobInfo['running']> }) {
  return (
    <section class="panel">
      <h2>Worker</h2>
      <dl class="facts">
        <Row k="Consumer">
          <code>{r.consumer}</code>
        </Row>
        <Row k="Lease age">{duration(r.idleMs)}</Row>
        <Row k="Deliveries">{count(r.deliveries)}</Row>
        {r.cancelRequestedAt !== undefined && <Row k="Cancel requested">{when(r.cancelRequestedAt)}</Row>}
      </dl>
    </section>
  );
}

function Dead({ d }: { d: NonNullable<JobInfo['dead']> }) {
  return (
    <section class="panel">
      <h2>Dead letter</h2>
      <dl class="facts">
        <Row k="Reason">
          <Badge kind="dead">{d.reason}</Badge>
        </Row>
        <Row k="Attempts">{d.attempts ?? '—'}</Row>
        <Row k="Failed">{when(d.failedAt)}</Row>
        <Row k="Dead since">
          {when(d.deadAt)} (<Ago t={d.deadAt} />)
        </Row>
        <Row k="Redrivable">{d.redrivable ? 'yes' : 'no (no id, name or payload)'}</Row>
        {d.truncated && <Row k="Truncated">{d.truncated}</Row>}
      </dl>
      <h3>Error</h3>
      <pre class="code err">{d.error || '(no message)'}</pre>
      {d.stack && (
        <details open>
          <summary>Stack</summary>
          <pre class="code">{d.stack}</pre>
        </details>
      )}
      {d.member && (
        <details>
          <summary>Delayed member as stored</summary>
          <pre class="code">{d.member}</pre>
        </details>
      )}
    </section>
  );
}

/** Progress as the handler reported it: a number as a bar with its percent, anything else as JSON. */
function Progress({ p }: { p: unknown }) {
  if (typeof p === 'number' && Number.isFinite(p)) {
    const pct = Math.max(0, Math.min(100, p));
    return (
      <div class="progress-row">
        <progress id="progress-bar" max={100} value={pct} aria-label="Progress" />
        <span class="progress-pct">{`${Math.round(pct * 10) / 10}%`}</span>
      </div>
    );
  }
  return (
    <pre class="code" id="progress-json">
      {pretty(p)}
    </pre>
  );
}

/** The job page. */
export function JobPage({ queue, id }: { queue: string; id: string }) {
  const live = useOverview();
  const row = live.overview?.queues.find((q) => q.queue === queue);
  const rowKey = row ? `${row.ready}|${row.running}|${row.delayed}|${row.dead}|${row.completed}` : '';
  const canWrite = useCanWrite();
  const job = useLoad(
    (signal) =>
      get<JobInfo>(`api/queues/${seg(queue)}/jobs/${seg(id)}`, signal).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    `${queue}|${id}|${rowKey}`,
  );
  const j = job.data;
  return (
    <div class="page">
      <header class="page-head">
        <h1>
          <a href={href()}>Queues</a> / <a href={href('queues', queue)}>{queue}</a> /{' '}
          <span class="name mono">{id}</span>
        </h1>
        {j && <Badge kind={j.state}>{j.state}</Badge>}
        <div class="spacer" />
        {j &&
          canWrite &&
          actionsFor(j.state).map((a) => (
            <button
              key={a}
              type="button"
              class={a === 'delete' || a === 'cancel' ? 'danger' : ''}
              onClick={async () => {
                if ((await jobAction(queue, id, a)) && a === 'delete') navigate(href('queues', queue));
                else job.reload();
              }}
            >
              {actionLabel(a)}
            </button>
          ))}
      </header>
      <LoadError error={job.error} />
      {!job.loading && j === null && !job.error && (
        <p class="empty">
          No job with id <code>{id}</code> in {queue} (it finished and was not kept, or it never existed).
        </p>
      )}
      {j && (
        <div class="cols">
          <div>
            <section class="panel">
              <h2>Job</h2>
              <Timings j={j} />
            </section>
            {j.running && <Running r={j.running} />}
            {j.worker !== undefined && (
              <section class="panel">
                <h2>Worker</h2>
                <pre class="code">{pretty(j.worker)}</pre>
              </section>
            )}
            {j.progress !== undefined && (
              <section class="panel">
                <h2>Progress</h2>
                <Progress p={j.progress} />
              </section>
            )}
          </div>
          <div>
            <section class="panel">
              <h2>Payload</h2>
              <pre class="code" id="payload">
                {prettyJson(j.data) || '(empty)'}
              </pre>
            </section>
            {(j.result !== undefined || j.resultError !== undefined) && (
              <section class="panel">
                <h2>Result</h2>
                {j.result !== undefined && (
                  <pre class="code" id="result">
                    {pretty(j.result)}
                  </pre>
                )}
                {j.resultError !== undefined && (
                  <p class="err" id="result-error">
                    Not stored: {j.resultError}
                  </p>
                )}
              </section>
            )}
            {j.error !== undefined && !j.dead && (
              <section class="panel">
                <h2>Final error</h2>
                <pre class="code err">{j.error}</pre>
              </section>
            )}
            {j.dead && <Dead d={j.dead} />}
            {j.attempts && j.attempts.length > 0 && (
              <section class="panel">
                <h2>Attempts</h2>
                {j.attempts.map((a) => (
                  <details key={a.attempt} open={a.attempt === j.attempts?.length}>
                    <summary>
                      Attempt {a.attempt} {a.at !== undefined ? `· ${when(a.at)}` : ''}{' '}
                      {a.error ? `· ${a.error.split('\n')[0]}` : ''}
                    </summary>
                    {a.stack && <pre class="code">{a.stack}</pre>}
                  </details>
                ))}
              </section>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
