/** Open Sluice for a command: the Redis URL from `--redis` or the environment, failing fast with exit 2. */
import { createSluice, type Sluice, type TlsOptions } from '@sluice/core';
import { assertSupportedServer, redactUrl } from '@sluice/core/internal';
import { ExitError, usageError } from './errors.js';
import { type SecurityFlags, securityOptions } from './tls-flags.js';

/** The URL used when neither `--redis` nor the environment names one. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Milliseconds the CLI waits for the first connect before it gives up (exit 2 well within 3 s). */
export const CLI_CONNECT_TIMEOUT = 1500;

/** Connection options every command takes (the global `--redis`, `--prefix`, `--tls-*` and limit flags). */
export interface ConnectOptions extends SecurityFlags {
  /** Redis URL (default `SLUICE_REDIS_URL`, then `REDIS_URL`, then `redis://127.0.0.1:6379`). */
  redis?: string | undefined;
  /** Redis Cluster nodes, `host:port,...` or URLs (default `SLUICE_REDIS_CLUSTER`; unset = a single server). */
  redisCluster?: string | undefined;
  /** Key prefix (default `sluice`). */
  prefix?: string | undefined;
  /** Milliseconds the first connect may take (default {@link CLI_CONNECT_TIMEOUT}). */
  connectTimeout?: number | undefined;
  /** Environment to read the URL from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** The Redis URL to use: `--redis`, then `SLUICE_REDIS_URL`, then `REDIS_URL`, then the default. */
export function resolveRedisUrl(opts: Pick<ConnectOptions, 'redis' | 'env'> = {}): string {
  const env = opts.env ?? process.env;
  const pick = [opts.redis, env.SLUICE_REDIS_URL, env.REDIS_URL].find((u) => u !== undefined && u.trim() !== '');
  return (pick ?? DEFAULT_REDIS_URL).trim();
}

/** The cluster's root node URLs from `--redis-cluster` or `SLUICE_REDIS_CLUSTER`, or undefined for one server. */
export function resolveCluster(opts: Pick<ConnectOptions, 'redisCluster' | 'env'> = {}): string[] | undefined {
  const env = opts.env ?? process.env;
  const raw = [opts.redisCluster, env.SLUICE_REDIS_CLUSTER].find((u) => u !== undefined && u.trim() !== '');
  if (raw === undefined) return undefined;
  const nodes = raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => (/^rediss?:\/\//.test(n) ? n : `redis://${n}`));
  for (const n of nodes) {
    let ok = false;
    try {
      const u = new URL(n);
      ok = u.hostname !== '' && u.port !== '';
    } catch {
      ok = false;
    }
    if (!ok) {
      throw usageError(
        `--redis-cluster expects host:port[,host:port...] like 127.0.0.1:7000 (URL-encode a password); got ${redactUrl(n)}`,
      );
    }
  }
  return nodes;
}

/** Where a worker connects (one server's URL, or a cluster's root nodes), with TLS and the payload limit. */
export type RedisTarget = ({ url: string } | { cluster: { rootNodes: string[] } }) & {
  tls?: TlsOptions;
  maxPayloadBytes?: number;
};

/** The target from `--redis-cluster`/`SLUICE_REDIS_CLUSTER` when given, else from `--redis` and the environment. */
export function resolveTarget(opts: ConnectOptions = {}): RedisTarget {
  const rootNodes = resolveCluster(opts);
  const sec = securityOptions(opts);
  if (rootNodes) return assertTlsScheme(rootNodes, { cluster: { rootNodes }, ...sec });
  const url = resolveRedisUrl(opts);
  assertRedisUrl(url);
  return assertTlsScheme([url], { url, ...sec });
}

/** `target`, unless it has TLS files but a `redis://` URL (they need `rediss://`): then a usage error. */
function assertTlsScheme(urls: readonly string[], target: RedisTarget): RedisTarget {
  if (target.tls && urls.some((u) => !/^rediss:\/\//i.test(u))) {
    throw usageError(
      '--tls-ca, --tls-cert and --tls-key need a rediss:// URL (--redis, --redis-cluster or SLUICE_REDIS_URL)',
    );
  }
  return target;
}

/** Throws a usage error unless `url` is a redis:// or rediss:// URL. */
export function assertRedisUrl(url: string): void {
  let ok = false;
  try {
    ok = ['redis:', 'rediss:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw usageError(
      `--redis expects a URL like redis://127.0.0.1:6379 or redis://user:password@host:6379 (URL-encode a password); got ${redactUrl(url)}`,
    );
  }
}

/** Connect. Unreachable Redis or refused credentials: an {@link ExitError} (exit 2) naming the URL and the cause. */
export async function openSluice(opts: ConnectOptions = {}): Promise<Sluice> {
  const rootNodes = resolveCluster(opts);
  const url = resolveRedisUrl(opts);
  const { tls, maxPayloadBytes } = resolveTarget(opts);
  if (opts.prefix !== undefined && !/^[^{}\s]{1,200}$/.test(opts.prefix)) {
    throw usageError(
      `--prefix must be 1-200 characters without braces or white space; got ${JSON.stringify(opts.prefix)}`,
    );
  }
  const connectTimeout = opts.connectTimeout ?? CLI_CONNECT_TIMEOUT;
  let sluice: Sluice;
  try {
    const where = rootNodes ? { cluster: { rootNodes } } : { url };
    sluice = await createSluice({
      ...where,
      ...(tls ? { tls } : {}),
      ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
      connectTimeout,
      ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
    });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const at = rootNodes ? `cluster ${rootNodes.map(redactUrl).join(',')}` : redactUrl(url);
    const line = msg.startsWith('cannot connect') ? msg : `cannot connect to Redis at ${at}: ${msg}`;
    throw new ExitError(line, 2, { cause: e });
  }
  try {
    await assertSupportedServer(sluice.connection);
  } catch (e) {
    await sluice.close().catch(() => undefined);
    throw new ExitError((e as Error).message, 2, { cause: e });
  }
  return sluice;
}

/** Run `fn` with an open Sluice and close it afterwards, whatever happens. */
export async function withSluice<T>(opts: ConnectOptions, fn: (sluice: Sluice) => Promise<T>): Promise<T> {
  const sluice = await openSluice(opts);
  try {
    return await fn(sluice);
  } finally {
    await sluice.close().catch(() => undefined);
  }
}

/**
 * Throws a usage error (exit 2) naming `what`, the unknown queues and the known ones, unless every queue of
 * `queues` is known (has ever had a job). Operator commands call it so a typo fails instead of passing quietly.
 */
export async function assertKnownQueue(
  sluice: Sluice,
  queues: string | readonly string[],
  what = 'queue argument',
): Promise<void> {
  const known = await sluice.queues();
  const unknown = (typeof queues === 'string' ? [queues] : queues).filter((q) => !known.includes(q));
  if (unknown.length === 0) return;
  const list = known.length
    ? `known queues: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', ...' : ''}`
    : 'no queues yet';
  const names = unknown.map((q) => JSON.stringify(q)).join(', ');
  throw usageError(
    `${what}: no queue${unknown.length > 1 ? 's' : ''} named ${names} under prefix "${sluice.prefix}" (${list})`,
  );
}
