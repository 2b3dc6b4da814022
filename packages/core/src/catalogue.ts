/**
 * The job catalogue: every worker, drain and push dispatcher publishes the definitions it serves when it starts
 * (one HSET on `{prefix}:catalogue`, field `<queue> <name>`), so operators and the CLI resolve a job's queue and
 * check a payload by name, without the application's code. Read back with {@link listCatalogue} and
 * {@link findJobDefinition}. Everything read here came from Redis: entries that do not decode are skipped.
 */
import type { ExponentialBackoff, FixedBackoff } from './backoff.js';
import type { RedisExecutor } from './connection.js';
import type { AnyJob } from './define-job.js';
import { catalogueKey } from './keys.js';

/** Largest JSON Schema stored with a definition, in bytes of JSON; a larger one is left out (default 64 KiB). */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/** A job definition as the catalogue holds it. */
export interface CatalogueEntry {
  /** Job name. */
  name: string;
  /** Queue the job runs on. */
  queue: string;
  /** Retry policy: total attempts and the backoff (`custom` for a function). */
  retry: { attempts: number; backoff: FixedBackoff | ExponentialBackoff | 'custom' };
  /** Handler timeout in ms, or null for none. */
  timeout: number | null;
  /** Per-worker concurrency limit of the job, or null (the worker's). */
  concurrency: number | null;
  /** Cron schedule (pattern, IANA time zone, payload of each run), or null. */
  schedule: { cron: string; tz: string; payload: unknown } | null;
  /** JSON Schema (draft 2020-12) of the payload when the validator gives one (Standard JSON Schema), else null. */
  schema: Record<string, unknown> | null;
  /** The validator library (`~standard.vendor`, e.g. `zod`), or null without a schema. */
  schemaVendor: string | null;
  /** When it was published (epoch ms, the publishing process's clock). */
  publishedAt: number;
  /** Consumer name of the worker that published it. */
  publishedBy: string;
}

/** What a validator may expose beside Standard Schema v1: the Standard JSON Schema converter. */
interface JsonSchemaProps {
  readonly jsonSchema?: { readonly input?: (o: { target: string }) => unknown };
  readonly vendor?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The JSON Schema of a Standard Schema validator's input (`~standard.jsonSchema.input({ target: 'draft-2020-12' })`,
 * the Standard JSON Schema spec: zod >= 4.2, valibot via `toStandardJsonSchema`, arktype), or null when it offers
 * none, throws (a type JSON Schema cannot express) or gives one larger than {@link MAX_SCHEMA_BYTES}.
 */
export function payloadJsonSchema(schema: unknown): Record<string, unknown> | null {
  const std = (schema as { '~standard'?: JsonSchemaProps } | undefined)?.['~standard'];
  const input = std?.jsonSchema?.input;
  if (typeof input !== 'function') return null;
  try {
    const out = input.call(std?.jsonSchema, { target: 'draft-2020-12' });
    if (!isObject(out) || Buffer.byteLength(JSON.stringify(out)) > MAX_SCHEMA_BYTES) return null;
    return out;
  } catch {
    return null;
  }
}

/** The catalogue entry of a job definition (pure). */
export function describeJob(job: AnyJob, publishedBy: string, publishedAt: number): CatalogueEntry {
  const schema = payloadJsonSchema(job.schema);
  const vendor = (job.schema as { '~standard'?: JsonSchemaProps } | undefined)?.['~standard']?.vendor;
  return {
    name: job.name,
    queue: job.queue,
    retry: { attempts: job.attempts, backoff: typeof job.backoff === 'function' ? 'custom' : job.backoff },
    timeout: job.timeout ?? null,
    concurrency: job.concurrency ?? null,
    schedule: job.schedule
      ? { cron: job.schedule.cron, tz: job.schedule.tz ?? 'UTC', payload: job.schedule.payload ?? {} }
      : null,
    schema,
    schemaVendor: schema && typeof vendor === 'string' ? vendor : null,
    publishedAt,
    publishedBy,
  };
}

/** The catalogue field of a job: `<queue> <name>` (a queue name has no white space, so the first space splits). */
export const catalogueField = (queue: string, name: string): string => `${queue} ${name}`;

/** The HSET arguments that publish `entries` (one command), or none when there are none. */
export function publishCommand(prefix: string, entries: readonly CatalogueEntry[]): string[] | undefined {
  if (entries.length === 0) return undefined;
  const fields = entries.flatMap((e) => [catalogueField(e.queue, e.name), JSON.stringify(e)]);
  return ['HSET', catalogueKey(prefix), ...fields];
}

/** Publish job definitions to the catalogue of `prefix` (one HSET; an entry of the same queue and name is replaced). */
export async function publishCatalogue(
  exec: RedisExecutor,
  prefix: string,
  entries: readonly CatalogueEntry[],
): Promise<void> {
  const cmd = publishCommand(prefix, entries);
  if (cmd) await exec.send(cmd, catalogueKey(prefix));
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numOrNull = (v: unknown): number | null => (num(v) ? v : null);

/** Decode one catalogue value (hostile: anything that is not a well-formed entry gives undefined). */
export function decodeCatalogueEntry(field: string, value: string): CatalogueEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isObject(v) || typeof v.name !== 'string' || typeof v.queue !== 'string') return undefined;
  if (field !== catalogueField(v.queue, v.name)) return undefined;
  const retry = isObject(v.retry) ? v.retry : {};
  const backoff = retry.backoff === 'custom' || isObject(retry.backoff) ? retry.backoff : 'custom';
  const s = isObject(v.schedule) && typeof v.schedule.cron === 'string' ? v.schedule : undefined;
  return {
    name: v.name,
    queue: v.queue,
    retry: {
      attempts: num(retry.attempts) ? retry.attempts : 1,
      backoff: backoff as CatalogueEntry['retry']['backoff'],
    },
    timeout: numOrNull(v.timeout),
    concurrency: numOrNull(v.concurrency),
    schedule: s
      ? { cron: s.cron as string, tz: typeof s.tz === 'string' ? s.tz : 'UTC', payload: s.payload ?? {} }
      : null,
    schema: isObject(v.schema) ? v.schema : null,
    schemaVendor: typeof v.schemaVendor === 'string' ? v.schemaVendor : null,
    publishedAt: num(v.publishedAt) ? v.publishedAt : 0,
    publishedBy: typeof v.publishedBy === 'string' ? v.publishedBy : '',
  };
}

/** Every entry of the catalogue of `prefix`, sorted by name then queue (optionally only those of `queue`). */
export async function listCatalogue(exec: RedisExecutor, prefix: string, queue?: string): Promise<CatalogueEntry[]> {
  const key = catalogueKey(prefix);
  const flat = ((await exec.send(['HGETALL', key], key)) ?? []) as unknown;
  const pairs: [string, string][] = Array.isArray(flat)
    ? flat.flatMap((f, i) => (i % 2 === 0 ? [[String(f), String(flat[i + 1])] as [string, string]] : []))
    : Object.entries(flat as Record<string, unknown>).map(([f, v]) => [f, String(v)]);
  const out: CatalogueEntry[] = [];
  for (const [f, v] of pairs) {
    const e = decodeCatalogueEntry(f, v);
    if (e && (queue === undefined || e.queue === queue)) out.push(e);
  }
  return out.sort((a, b) => (a.name === b.name ? cmp(a.queue, b.queue) : cmp(a.name, b.name)));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The catalogue entries of job `name` (one per queue serving it; none when no worker published it). */
export async function findJobDefinition(exec: RedisExecutor, prefix: string, name: string): Promise<CatalogueEntry[]> {
  return (await listCatalogue(exec, prefix)).filter((e) => e.name === name);
}

/** Drop every entry of `queue` from the catalogue (when the queue is deleted). Returns how many. */
export async function forgetQueueCatalogue(exec: RedisExecutor, prefix: string, queue: string): Promise<number> {
  const key = catalogueKey(prefix);
  const fields = (await listCatalogue(exec, prefix, queue)).map((e) => catalogueField(e.queue, e.name));
  if (fields.length === 0) return 0;
  return Number(await exec.send(['HDEL', key, ...fields], key));
}
