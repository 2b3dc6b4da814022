/**
 * Workers, schedules and the job catalogue, from core's registry (`listWorkers`, `listSchedules`, `listCatalogue`,
 * `runSchedule` on `Sluice`), in the shapes of API.md. Enqueue validates a payload against the catalogue's JSON
 * Schema with @cfworker/json-schema, which interprets the schema (it came from Redis: never compiled to code).
 */
import { Validator } from '@cfworker/json-schema';
import type { AnyJob, Sluice } from '@sluice/core';
import { HttpError } from './http.js';

/** `GET /api/workers`. */
export async function workers(s: Sluice) {
  const list = await s.listWorkers();
  const now = Date.now();
  return {
    workers: list.map((w) => ({
      id: w.consumer,
      kind: w.kind,
      host: w.host,
      pid: w.pid,
      version: w.version,
      queues: w.queues,
      concurrency: w.concurrency,
      inFlight: w.inFlight,
      startedAt: w.startedAt,
      lastSeenAt: now - w.lastSeenMs,
    })),
  };
}

/** `GET /api/schedules`. */
export async function schedules(s: Sluice) {
  const list = await s.listSchedules();
  return {
    schedules: list.map((x) => ({
      queue: x.queue,
      name: x.name,
      pattern: x.cron,
      tz: x.tz,
      lastTickAt: x.lastTickAt,
      nextRunAt: x.nextRunAt,
    })),
  };
}

/** `POST /api/queues/:q/schedules/:name/run`. */
export async function runSchedule(s: Sluice, queue: string, name: string) {
  const r = await s.runSchedule(queue, name);
  if (!r) throw new HttpError(404, `no schedule ${JSON.stringify(name)} on queue ${JSON.stringify(queue)}`);
  return { id: r.id };
}

/** One job of the catalogue, as the page sees it. */
export interface CatalogueJob {
  name: string;
  queue: string;
  schema: Record<string, unknown> | null;
  retry: unknown;
  timeoutMs: number | null;
  concurrency: number | null;
  schedule: { cron: string; tz: string } | null;
}

const fromDefinition = (j: AnyJob): CatalogueJob => ({
  name: j.name,
  queue: j.queue,
  schema: null,
  retry: { attempts: j.attempts },
  timeoutMs: j.timeout ?? null,
  concurrency: j.concurrency ?? null,
  schedule: j.schedule ? { cron: j.schedule.cron, tz: j.schedule.tz ?? 'UTC' } : null,
});

/** The catalogue: what workers published, then the `jobs` passed to createDashboard that they do not list. */
export async function catalogue(s: Sluice, jobs: ReadonlyMap<string, AnyJob>): Promise<{ jobs: CatalogueJob[] }> {
  const published: CatalogueJob[] = (await s.listCatalogue()).map((e) => ({
    name: e.name,
    queue: e.queue,
    schema: e.schema,
    retry: e.retry,
    timeoutMs: e.timeout,
    concurrency: e.concurrency,
    schedule: e.schedule ? { cron: e.schedule.cron, tz: e.schedule.tz } : null,
  }));
  const seen = new Set(published.map((j) => `${j.queue}\u0000${j.name}`));
  const local = [...jobs.values()].filter((j) => !seen.has(`${j.queue}\u0000${j.name}`)).map(fromDefinition);
  return { jobs: [...published, ...local] };
}

/** Problems of `payload` against a published JSON Schema, as one line naming the fields; '' when it fits. */
export function schemaProblems(schema: Record<string, unknown>, payload: unknown): string {
  const draft = String(schema.$schema ?? '').includes('draft-07') ? '7' : '2020-12';
  let v: Validator;
  try {
    v = new Validator(schema as ConstructorParameters<typeof Validator>[0], draft, false);
  } catch (e) {
    return `the published schema cannot be used (${(e as Error).message})`;
  }
  const r = v.validate(payload);
  if (r.valid) return '';
  const errors = r.errors;
  const leaves = errors.filter(
    (e) => !errors.some((f) => f !== e && f.instanceLocation.startsWith(`${e.instanceLocation}/`)),
  );
  const shown = leaves.slice(0, 2).map((e) => `${e.instanceLocation.replace(/^#/, '') || '(the payload)'}: ${e.error}`);
  return `${shown.join('; ')}${leaves.length > 2 ? ` (and ${leaves.length - 2} more)` : ''}`;
}
