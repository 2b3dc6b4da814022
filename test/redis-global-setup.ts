/**
 * One Redis for the whole test run: `REDIS_URL` when set, else testcontainers when a container runtime is
 * configured, else a private `redis-server` on a free loopback port in a temp dir. The URL reaches tests
 * through vitest's provide/inject (`inject('redisUrl')`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type StartedRedis, startRedisServer, waitForPing } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

async function tryTestcontainers(): Promise<StartedRedis | undefined> {
  const configured =
    process.env.DOCKER_HOST ||
    existsSync('/var/run/docker.sock') ||
    existsSync(join(process.env.HOME ?? '/', '.testcontainers.properties'));
  if (!configured || process.env.REDIS_TESTCONTAINERS === '0') return undefined;
  try {
    const { RedisContainer } = await import('@testcontainers/redis');
    const c = await new RedisContainer('redis:7-alpine').start();
    return {
      url: c.getConnectionUrl(),
      port: c.getPort(),
      dir: '',
      pid: undefined,
      stop: async () => void (await c.stop()),
    };
  } catch (e) {
    console.warn(`[redis-global-setup] testcontainers unusable, using redis-server: ${(e as Error).message}`);
    return undefined;
  }
}

export default async function setup(project: TestProject) {
  let started: StartedRedis | undefined;
  let url = process.env.REDIS_URL;
  if (!url) {
    started = (await tryTestcontainers()) ?? (await startRedisServer());
    url = started.url;
  }
  await waitForPing(url, 5000);
  project.provide('redisUrl', url);
  return async () => {
    await started?.stop();
  };
}
