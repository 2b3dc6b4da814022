/**
 * Enqueue a job: pick a job of the catalogue (its queue and JSON Schema come with it) or type a queue and name,
 * write the payload as JSON; it is checked against the schema here, then again by the server.
 */
import { useState } from 'preact/hooks';
import { errorText, get, post, seg } from '../api.js';
import { LoadError, useCanWrite, useLoad } from '../components/bits.js';
import { notify } from '../components/notice.js';
import { refreshOverview } from '../live.js';
import { href } from '../router.js';
import { skeleton, validate } from '../schema.js';
import type { CatalogueJob } from '../types.js';

/** The enqueue page; `params.queue` preselects a queue. */
export function EnqueuePage({ params }: { params: URLSearchParams }) {
  const canWrite = useCanWrite();
  const cat = useLoad((signal) => get<{ jobs: CatalogueJob[] }>('api/catalogue', signal), 'catalogue');
  const jobs = cat.data?.jobs ?? [];
  const [pick, setPick] = useState('');
  const [queue, setQueue] = useState(params.get('queue') ?? '');
  const [name, setName] = useState('');
  const [payload, setPayload] = useState('{}');
  const [delay, setDelay] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<{ queue: string; id: string } | null>(null);
  const def = jobs.find((j) => `${j.queue}\u0000${j.name}` === pick);
  const choose = (key: string) => {
    setPick(key);
    const d = jobs.find((j) => `${j.queue}\u0000${j.name}` === key);
    if (d) {
      setQueue(d.queue);
      setName(d.name);
      setPayload(JSON.stringify(skeleton(d.schema), null, 2));
    }
    setProblem(null);
  };
  const submit = async () => {
    setDone(null);
    let data: unknown;
    try {
      data = JSON.parse(payload);
    } catch (e) {
      setProblem(`payload is not JSON: ${errorText(e)}`);
      return;
    }
    if (!queue.trim()) return setProblem('queue is required');
    if (!name.trim()) return setProblem('name is required');
    const bad = def ? validate(def.schema, data) : null;
    if (bad) return setProblem(bad);
    const ms = delay.trim() === '' ? undefined : Number(delay);
    if (ms !== undefined && (!Number.isFinite(ms) || ms < 0)) return setProblem('delay must be a number of ms >= 0');
    setProblem(null);
    try {
      const r = await post<{ id: string }>(`api/queues/${seg(queue.trim())}/enqueue`, {
        name: name.trim(),
        payload: data,
        ...(ms !== undefined ? { delay: ms } : {}),
      });
      setDone({ queue: queue.trim(), id: r.id });
      notify(`Enqueued ${name.trim()} as ${r.id}`);
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
      <LoadError error={cat.error} />
      {!canWrite && <p class="empty">This dashboard is read-only.</p>}
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {jobs.length > 0 && (
          <label class="field">
            <span>Job (from the catalogue)</span>
            <select value={pick} onChange={(e) => choose((e.target as HTMLSelectElement).value)} name="job">
              <option value="">— choose —</option>
              {jobs.map((j) => (
                <option key={`${j.queue}|${j.name}`} value={`${j.queue}\u0000${j.name}`}>
                  {j.name} (queue {j.queue})
                </option>
              ))}
            </select>
          </label>
        )}
        <div class="row">
          <label class="field">
            <span>Queue</span>
            <input name="queue" value={queue} onInput={(e) => setQueue((e.target as HTMLInputElement).value)} />
          </label>
          <label class="field">
            <span>Name</span>
            <input name="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </label>
          <label class="field">
            <span>Delay (ms, optional)</span>
            <input
              name="delay"
              inputMode="numeric"
              value={delay}
              onInput={(e) => setDelay((e.target as HTMLInputElement).value)}
            />
          </label>
        </div>
        <label class="field">
          <span>Payload (JSON)</span>
          <textarea
            name="payload"
            rows={10}
            spellcheck={false}
            class="mono"
            value={payload}
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
        {def?.schema !== undefined && def.schema !== null && (
          <details>
            <summary>JSON Schema of {def.name}</summary>
            <pre class="code">{JSON.stringify(def.schema, null, 2)}</pre>
          </details>
        )}
      </form>
    </div>
  );
}
