/**
 * Enqueue a job of the catalogue (the jobs passed to createDashboard): pick it (its queue comes with it), write the
 * payload as JSON; it is checked against the job's JSON Schema here when the server sends one, then by the server,
 * whose answer names the field.
 */
import { useState } from 'preact/hooks';
import { errorText, get, post, seg } from '../api.js';
import { LoadError, useCanWrite, useLoad } from '../components/bits.js';
import { notify } from '../components/notice.js';
import { refreshOverview } from '../live.js';
import { href } from '../router.js';
import { skeleton, validate } from '../schema.js';
import type { CatalogueJob } from '../types.js';

const keyOf = (j: CatalogueJob) => `${j.queue}\u0000${j.name}`;

/** The enqueue page; `params.queue` preselects the first job of that queue. */
export function EnqueuePage({ params }: { params: URLSearchParams }) {
  const canWrite = useCanWrite();
  const cat = useLoad((signal) => get<{ jobs: CatalogueJob[] }>('api/catalogue', signal), 'catalogue');
  const jobs = cat.data?.jobs ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  const [payload, setPayload] = useState<string | null>(null);
  const [delay, setDelay] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<{ queue: string; id: string } | null>(null);
  const wanted = params.get('queue');
  const def = jobs.find((j) => keyOf(j) === picked) ?? jobs.find((j) => j.queue === wanted) ?? jobs[0];
  const text = payload ?? JSON.stringify(skeleton(def?.schema), null, 2);
  const choose = (key: string) => {
    setPicked(key);
    setPayload(null);
    setProblem(null);
    setDone(null);
  };
  const submit = async () => {
    if (!def) return;
    setDone(null);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return setProblem(`payload is not JSON: ${errorText(e)}`);
    }
    const bad = validate(def.schema, data);
    if (bad) return setProblem(bad);
    const ms = delay.trim() === '' ? undefined : Number(delay);
    if (ms !== undefined && !(Number.isInteger(ms) && ms >= 0))
      return setProblem('delay must be a whole number of milliseconds >= 0');
    setProblem(null);
    try {
      const r = await post<{ id: string }>(`api/queues/${seg(def.queue)}/enqueue`, {
        name: def.name,
        payload: data,
        ...(ms !== undefined ? { delay: ms } : {}),
      });
      setDone({ queue: def.queue, id: r.id });
      notify(`Enqueued ${def.name} as ${r.id}`);
      void refreshOverview();
    } catch (e) {
      setProblem(errorText(e));
    }
  };
  return (
    <div class="page narrow">
      <header class="page-head">
        <h1>Enqueue a job</h1>
      </header>
      <LoadError error={cat.error} unavailable={cat.unavailable} />
      {!canWrite && <p class="empty">This dashboard is read-only.</p>}
      {def && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div class="row">
            <label class="field">
              <span>Job</span>
              <select value={keyOf(def)} onChange={(e) => choose((e.target as HTMLSelectElement).value)} name="job">
                {jobs.map((j) => (
                  <option key={keyOf(j)} value={keyOf(j)}>
                    {j.name} (queue {j.queue})
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              <span>Delay in ms (optional)</span>
              <input
                name="delay"
                inputMode="numeric"
                value={delay}
                onInput={(e) => setDelay((e.target as HTMLInputElement).value)}
              />
            </label>
          </div>
          <p class="muted small">
            Queue <code>{def.queue}</code>
            {def.timeoutMs ? ` · timeout ${def.timeoutMs} ms` : ''}
            {def.schema ? ' · checked against its JSON Schema' : ' · checked by the server against its schema'}
          </p>
          <label class="field">
            <span>Payload (JSON)</span>
            <textarea
              name="payload"
              rows={10}
              spellcheck={false}
              class="mono"
              value={text}
              onInput={(e) => setPayload((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          {problem && (
            <p class="error-line" role="alert" id="enqueue-problem">
              {problem}
            </p>
          )}
          {done && (
            <p class="ok-line" id="enqueue-done">
              Enqueued as{' '}
              <a class="mono" href={href('queues', done.queue, 'jobs', done.id)}>
                {done.id}
              </a>
            </p>
          )}
          <div class="actions">
            <button type="submit" class="primary" disabled={!canWrite}>
              Enqueue
            </button>
          </div>
          {def.schema !== undefined && def.schema !== null && (
            <details>
              <summary>JSON Schema of {def.name}</summary>
              <pre class="code">{JSON.stringify(def.schema, null, 2)}</pre>
            </details>
          )}
        </form>
      )}
      {cat.data && jobs.length === 0 && <p class="empty">The catalogue is empty: pass `jobs` to createDashboard.</p>}
    </div>
  );
}
