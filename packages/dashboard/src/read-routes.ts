/**
 * The read routes of the API (GET), each a thin call of core's inspection API (API.md, "Read"). No key names
 * here: every Redis read goes through `Sluice`.
 */
import type { AnyJob, HistoryRange, Sluice } from '@sluice/core';
import { HttpError, json } from './http.js';
import type { LiveOverview } from './live.js';
import type { Role } from './options.js';
import { catalogue, schedules, workers } from './registry.js';
import { DASHBOARD_VERSION } from './version.js';

/** What a route needs. */
export interface RouteContext {
  /** The request. */
  request: Request;
  /** Its parsed URL. */
  url: URL;
  /** The caller's role. */
  role: Role;
  /** Whether actions are refused. */
  readOnly: boolean;
  /** The connection (opened at the first request). */
  sluice: () => Promise<Sluice>;
  /** The shared overview. */
  live: LiveOverview;
  /** Jobs passed to createDashboard, by name. */
  jobs: ReadonlyMap<string, AnyJob>;
}

const LISTED = ['ready', 'running', 'delayed', 'dead', 'completed'] as const;

/** A query parameter, or undefined when absent or empty. */
const param = (url: URL, name: string): string | undefined => {
  const v = url.searchParams.get(name);
  return v === null || v === '' ? undefined : v;
};

/** Answer GET `/api/<path>`, or null when no read route matches. */
export async function readRoute(ctx: RouteContext, path: readonly string[]): Promise<Response | null> {
  const [a, q, b, id, ...rest] = path;
  if (rest.length > 0) return null;
  if (q === undefined) {
    switch (a) {
      case 'session': {
        const s = await ctx.sluice();
        return json(200, {
          version: DASHBOARD_VERSION,
          readOnly: ctx.readOnly,
          role: ctx.role,
          queues: await s.queues(),
        });
      }
      case 'overview':
        return json(200, await ctx.live.current());
      case 'workers':
        return json(200, await workers(await ctx.sluice()));
      case 'schedules':
        return json(200, await schedules(await ctx.sluice()));
      case 'catalogue':
        return json(200, await catalogue(await ctx.sluice(), ctx.jobs));
      default:
        return null;
    }
  }
  if (a !== 'queues') return null;
  const s = await ctx.sluice();
  if (b === 'history' && id === undefined) {
    const range = param(ctx.url, 'range') ?? 'hour';
    if (range !== 'hour' && range !== 'day')
      throw new HttpError(400, `range must be hour or day; got ${JSON.stringify(range)}`);
    return json(200, await s.history(q, range as HistoryRange));
  }
  if (b !== 'jobs') return null;
  if (id !== undefined) {
    const job = await s.getJob(q, id);
    return job ? json(200, job) : json(404, { error: `no job ${JSON.stringify(id)} in queue ${JSON.stringify(q)}` });
  }
  const state = param(ctx.url, 'state') ?? 'ready';
  if (state === 'cancelled') {
    // core keeps a cancelled record per id (getJob finds it) but no index of them: a list would scan the keyspace
    throw new HttpError(400, 'state=cancelled cannot be listed (look a cancelled job up by its id)');
  }
  if (!(LISTED as readonly string[]).includes(state)) {
    throw new HttpError(400, `state must be one of ${LISTED.join(', ')}; got ${JSON.stringify(state)}`);
  }
  const limitText = param(ctx.url, 'limit');
  const limit = limitText === undefined ? 50 : Number(limitText);
  const order = param(ctx.url, 'order');
  const page = await s.listJobs(q, {
    state: state as (typeof LISTED)[number],
    name: param(ctx.url, 'name'),
    search: param(ctx.url, 'search'),
    limit,
    cursor: param(ctx.url, 'cursor'),
    order: order as 'oldest' | 'newest' | undefined,
  });
  return json(200, page);
}
