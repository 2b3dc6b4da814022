/**
 * The server Sluice talks to, from `INFO server`, and the check that it is recent enough. Sluice needs Redis 7.0
 * (XAUTOCLAIM's deleted ids, XINFO GROUPS `lag`/`entries-read`, `ms-*` ids; docs/decisions.md). Valkey reports a
 * Redis-compatible `redis_version` (7.2.4 for Valkey 7.2 and 8), which is what is compared.
 */
import type { RedisExecutor } from './connection.js';

/** The oldest Redis version Sluice supports, as `[major, minor]`. */
export const MIN_REDIS_VERSION: readonly [number, number] = [7, 0];

/** What `INFO server` says about the server. */
export interface ServerVersion {
  /** `redis` or `valkey` (from `server_name`; `redis` when absent). */
  server: string;
  /** The server's own version (`valkey_version` on Valkey, else `redis_version`), e.g. `8.0.1`. */
  version: string;
  /** The Redis version it is compatible with (`redis_version`), e.g. `7.2.4`. */
  redisVersion: string;
}

/** Thrown when the server is older than {@link MIN_REDIS_VERSION}. */
export class UnsupportedServerError extends Error {
  override name = 'UnsupportedServerError';
}

/** The fields of an `INFO server` reply. Throws when it names no `redis_version`. */
export function parseServerInfo(info: string): ServerVersion {
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const redisVersion = field('redis_version');
  if (!redisVersion) throw new Error('INFO server names no redis_version');
  const server = field('server_name') ?? 'redis';
  return { server, version: field(`${server}_version`) ?? redisVersion, redisVersion };
}

/** `[major, minor, patch]` of a version string (missing parts are 0). */
export function versionParts(version: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return [a, b, c];
}

/** True when `redisVersion` is at least `major.minor`. */
export function atLeast(redisVersion: string, major: number, minor = 0): boolean {
  const [a, b] = versionParts(redisVersion);
  return a > major || (a === major && b >= minor);
}

/** Ask the server (any node of a cluster) for its version. */
export async function serverVersion(exec: RedisExecutor): Promise<ServerVersion> {
  return parseServerInfo(String(await exec.send(['INFO', 'server'])));
}

/**
 * Throws {@link UnsupportedServerError} (one line naming the version found and the one needed) unless the
 * server is at least Redis {@link MIN_REDIS_VERSION}; returns its version otherwise.
 */
export async function assertSupportedServer(exec: RedisExecutor): Promise<ServerVersion> {
  const v = await serverVersion(exec);
  const [major, minor] = MIN_REDIS_VERSION;
  if (!atLeast(v.redisVersion, major, minor)) {
    const name = v.server === 'redis' ? 'Redis' : v.server;
    throw new UnsupportedServerError(
      `${name} ${v.version} is too old: Sluice needs Redis >= ${major}.${minor} (or Valkey >= 7.2); upgrade the server`,
    );
  }
  return v;
}
