/** The actions of a queue and of a job, each with its confirmation and a notice of what happened. */
import { errorText, post, seg } from '../api.js';
import { confirmAction } from '../components/confirm.js';
import { notify } from '../components/notice.js';
import { refreshOverview } from '../live.js';

/** Run `fn`, then notify `done(result)` or the error; true when it succeeded. */
export async function act<T>(fn: () => Promise<T>, done: (r: T) => string): Promise<boolean> {
  try {
    const r = await fn();
    notify(done(r));
    void refreshOverview();
    return true;
  } catch (e) {
    notify(errorText(e), 'error');
    return false;
  }
}

const q = (queue: string) => `api/queues/${seg(queue)}`;

/** Pause or resume a queue. */
export function setPaused(queue: string, paused: boolean): Promise<boolean> {
  return act(
    () => post(`${q(queue)}/${paused ? 'pause' : 'resume'}`),
    () => `Queue ${queue} ${paused ? 'paused' : 'resumed'}`,
  );
}

/** Empty a queue after the operator types its name. */
export async function emptyQueue(queue: string): Promise<boolean> {
  const ok = await confirmAction({
    title: `Empty queue ${queue}?`,
    body: 'Every ready and delayed job of this queue is removed. Running jobs finish; dead letters stay.',
    action: 'Empty queue',
    typeToConfirm: queue,
  });
  if (!ok) return false;
  return act(
    () => post<{ ready?: number; delayed?: number }>(`${q(queue)}/empty`, { confirm: queue }),
    (r) =>
      r && typeof r.ready === 'number'
        ? `Emptied ${queue}: ${r.ready} ready, ${r.delayed ?? 0} delayed removed`
        : `Emptied ${queue}`,
  );
}

/** A job action: retry (dead), promote (run a delayed job now), cancel, delete. */
export type JobAction = 'retry' | 'promote' | 'cancel' | 'delete';

const LABEL: Record<JobAction, string> = {
  retry: 'Retry',
  promote: 'Run now',
  cancel: 'Cancel',
  delete: 'Delete',
};

/** Which actions apply to a job in `state`. */
export function actionsFor(state: string): JobAction[] {
  switch (state) {
    case 'dead':
      return ['retry', 'delete'];
    case 'delayed':
      return ['promote', 'cancel', 'delete'];
    case 'ready':
      return ['cancel', 'delete'];
    case 'running':
      return ['cancel'];
    case 'cancelled':
    case 'completed':
      return ['delete'];
    default:
      return [];
  }
}

/** The button label of an action. */
export const actionLabel = (a: JobAction): string => LABEL[a];

/** Run a job action; cancel and delete ask first. */
export async function jobAction(queue: string, id: string, a: JobAction): Promise<boolean> {
  if (a === 'cancel' || a === 'delete') {
    const ok = await confirmAction({
      title: `${LABEL[a]} job ${id}?`,
      body:
        a === 'delete'
          ? 'The job is removed for good, with its payload.'
          : 'A ready or delayed job is removed; a running job is asked to stop.',
      action: `${LABEL[a]} job`,
    });
    if (!ok) return false;
  }
  const body = a === 'cancel' || a === 'delete' ? { confirm: id } : {};
  return act(
    () => post<{ ok: boolean; outcome?: unknown }>(`${q(queue)}/jobs/${seg(id)}/${a}`, body),
    (r) => `${LABEL[a]} ${id}: ${outcomeText(r?.outcome)}`,
  );
}

/** What a job action did, in words: `moved`, `removed from ready`, `cancel requested from worker-1`. */
export function outcomeText(o: unknown): string {
  if (typeof o === 'string') return o;
  if (o !== null && typeof o === 'object') {
    const r = o as { done?: unknown; from?: unknown; consumer?: unknown; entryId?: unknown };
    if (r.done === 'cancel-requested')
      return `cancel requested${typeof r.consumer === 'string' ? ` from ${r.consumer}` : ''}`;
    if (typeof r.done === 'string') return `${r.done}${typeof r.from === 'string' ? ` from ${r.from}` : ''}`;
    if (typeof r.entryId === 'string') return 'moved to ready';
  }
  return 'done';
}

/** Redrive or purge dead jobs: some ids, or all of them; asks first. */
export async function deadAction(queue: string, what: 'redrive' | 'purge', ids: string[] | 'all'): Promise<boolean> {
  const n = ids === 'all' ? 'every dead job' : `${ids.length} dead job${ids.length === 1 ? '' : 's'}`;
  const ok = await confirmAction({
    title: `${what === 'redrive' ? 'Redrive' : 'Purge'} ${n}?`,
    body:
      what === 'redrive'
        ? `Put ${n} of ${queue} back on the queue, at attempt 1.`
        : `Delete ${n} of ${queue} for good.`,
    action: what === 'redrive' ? 'Redrive' : 'Purge',
    danger: what === 'purge',
    ...(ids === 'all' && what === 'purge' ? { typeToConfirm: queue } : {}),
  });
  if (!ok) return false;
  return act(
    () =>
      post<{ count: number }>(`${q(queue)}/dead/${what}`, {
        ...(ids === 'all' ? { all: true } : { ids }),
        ...(what === 'purge' ? { confirm: queue } : {}),
      }),
    (r) => `${what === 'redrive' ? 'Redrove' : 'Purged'} ${r?.count ?? 0} job(s) of ${queue}`,
  );
}
