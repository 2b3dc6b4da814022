/**
 * The action routes (POST), each a thin call of core's control API (API.md, "Write"). The caller has passed the
 * role, read-only and CSRF checks (dashboard.ts) before any of these runs; destructive actions also need their
 * `confirm` field.
 */
import type { Sluice } from '@sluice/core';
import { HttpError, json, requireConfirm } from './http.js';
import type { RouteContext } from './read-routes.js';
import { runSchedule, schemaProblems } from './registry.js';

/** Most job ids one redrive or purge takes. */
const MAX_IDS = 1000;

/** The `ids` (job ids) or `all: true` of a redrive or purge body. */
function selection(body: Record<string, unknown>): { ids: string[] } | { all: true } {
  if (body.all === true) return { all: true };
  const ids = body.ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS || !ids.every((i) => typeof i === 'string')) {
    throw new HttpError(400, `give ids (1 to ${MAX_IDS} job ids) or all: true`);
  }
  return { ids: ids as string[] };
}

const notFound = (q: string, id: string) =>
  new HttpError(404, `no job ${JSON.stringify(id)} in queue ${JSON.stringify(q)}`);

/** Run action `action` on job `id`. */
async function jobAction(s: Sluice, q: string, id: string, action: string, body: Record<string, unknown>) {
  switch (action) {
    case 'retry': {
      const r = await s.retryJob(q, id);
      if (r === 'not-found') throw notFound(q, id);
      if (r === 'not-dead') throw new HttpError(409, 'only a dead job can be retried');
      return { ok: true, outcome: r };
    }
    case 'promote': {
      const r = await s.promoteJob(q, id);
      if (r === 'not-found') throw notFound(q, id);
      if (r === 'not-delayed') throw new HttpError(409, 'only a delayed job can be run now');
      return { ok: true, outcome: r };
    }
    case 'cancel':
    case 'delete': {
      requireConfirm(body, id, 'job id');
      const r = action === 'cancel' ? await s.cancelJob(q, id) : await s.deleteJob(q, id);
      if (r.done === 'not-found') throw notFound(q, id);
      if (r.done === 'refused') throw new HttpError(409, `a ${r.state} job cannot be ${action}ed here`);
      return { ok: true, outcome: r };
    }
    default:
      return null;
  }
}

/** Redrive (retry) or purge (delete) dead jobs; returns how many. */
async function deadAction(s: Sluice, q: string, action: string, body: Record<string, unknown>): Promise<number | null> {
  if (action !== 'redrive' && action !== 'purge') return null;
  if (action === 'purge') requireConfirm(body, q, 'queue name');
  const sel = selection(body);
  if ('all' in sel) return action === 'redrive' ? (await s.dead.redrive(q, { all: true })).moved : s.dead.purge(q);
  let count = 0;
  for (const id of sel.ids) {
    if (action === 'redrive') {
      if ((await s.retryJob(q, id)) === 'moved') count++;
      continue;
    }
    // purge only what is dead: a job of that id elsewhere is left alone
    if ((await s.getJob(q, id))?.state !== 'dead') continue;
    const r = await s.deleteJob(q, id);
    if (r.done === 'removed') count++;
  }
  return count;
}

/**
 * Enqueue a job of the catalogue: a job passed to createDashboard (validated by its schema), else one core's
 * registry lists for the queue (validated against its published JSON Schema).
 */
async function enqueueAction(ctx: RouteContext, s: Sluice, q: string, body: Record<string, unknown>) {
  const { name, payload, delay } = body;
  if (typeof name !== 'string' || name === '') throw new HttpError(400, 'name must be the name of a job');
  if (delay !== undefined && !(typeof delay === 'number' && Number.isInteger(delay) && delay >= 0)) {
    throw new HttpError(400, 'delay must be a whole number of milliseconds >= 0');
  }
  const options = delay ? { delay } : {};
  const job = ctx.jobs.get(name);
  if (job) {
    if (job.queue !== q)
      throw new HttpError(400, `job ${JSON.stringify(name)} runs on queue ${JSON.stringify(job.queue)}`);
    return { id: (await s.enqueue(job, payload as never, options)).id };
  }
  const entry = (await s.listCatalogue(q)).find((e) => e.name === name);
  if (!entry)
    throw new HttpError(400, `name: no job ${JSON.stringify(name)} on queue ${JSON.stringify(q)} in the catalogue`);
  const problems = entry.schema ? schemaProblems(entry.schema, payload) : '';
  if (problems) throw new HttpError(400, `invalid payload for job ${JSON.stringify(name)}: ${problems}`);
  return { id: (await s.enqueue(name, payload, { ...options, queue: q })).id };
}

/** Answer POST `/api/<path>` with its JSON `body`, or null when no action route matches. */
export async function writeRoute(
  ctx: RouteContext,
  path: readonly string[],
  body: Record<string, unknown>,
): Promise<Response | null> {
  const [a, q, b, id, action, ...rest] = path;
  if (a !== 'queues' || q === undefined || b === undefined || rest.length > 0) return null;
  const s = await ctx.sluice();
  if (id === undefined) {
    switch (b) {
      case 'pause':
        await s.pause(q);
        return json(200, { ok: true });
      case 'resume':
        await s.resume(q);
        return json(200, { ok: true });
      case 'empty':
        requireConfirm(body, q, 'queue name');
        return json(200, { ok: true, ...(await s.emptyQueue(q)) });
      case 'enqueue':
        return json(200, await enqueueAction(ctx, s, q, body));
      default:
        return null;
    }
  }
  if (b === 'jobs' && action !== undefined) {
    const r = await jobAction(s, q, id, action, body);
    return r && json(200, r);
  }
  if (b === 'dead' && action === undefined) {
    const count = await deadAction(s, q, id, body);
    return count === null ? null : json(200, { count });
  }
  if (b === 'schedules' && action === 'run') return json(200, await runSchedule(s, q, id));
  return null;
}
