/**
 * Start and stop private `redis-server` processes on free loopback ports (used by the global setup, the fault
 * suite and the demo). Every process is stopped by its pid; its temp dir is removed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { waitFor } from './wait.js';

/** A running private Redis. */
export interface StartedRedis {
  url: string;
  port: number;
  dir: string;
  pid: number | undefined;
  stop: () => Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/** Resolves once `url` answers PING, or rejects after `ms`. */
export async function waitForPing(url: string, ms: number): Promise<void> {
  await waitFor(
    async () => {
      const c = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.ping();
        await c.close();
        return true;
      } catch (e) {
        if (c.isOpen) c.destroy();
        throw e;
      }
    },
    `PING from ${url}`,
    ms,
    50,
  );
}

/** Options for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Extra redis-server arguments (default none: no persistence). */
  args?: string[];
  /** Port to bind (default: a free one). */
  port?: number;
  /** Data dir (default: a new temp dir, removed on stop). */
  dir?: string;
  /** Binary (default `REDIS_SERVER_BIN` or `redis-server`). */
  bin?: string;
}

/** Tries of a start on a port chosen here: another process may bind a free port between freePort and the server. */
const PORT_TRIES = 5;

/**
 * Spawn a private redis-server on 127.0.0.1 and wait for it to answer. A server that exits at once on a port chosen
 * here (taken in the meantime, e.g. by an outgoing connection's ephemeral port on a busy machine) is started again
 * on another, up to {@link PORT_TRIES} times; `retryPorts` (default: when no `port` is given) says whether to.
 */
export async function startRedisServer(
  opts: RedisServerOptions = {},
  retryPorts = opts.port === undefined,
): Promise<StartedRedis> {
  return retryOnEarlyExit(() => startOnce(opts), retryPorts ? PORT_TRIES : 1);
}

/** `start()` again while it fails with a server that exited at once, at most `tries` times in all. */
export async function retryOnEarlyExit<T>(start: () => Promise<T>, tries: number = PORT_TRIES): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (e) {
      if (attempt >= tries || !/exited early/.test((e as Error).message)) throw e;
    }
  }
}

async function startOnce(opts: RedisServerOptions): Promise<StartedRedis> {
  const bin = opts.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const port = opts.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sluice-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child: ChildProcess = spawn(bin, [...args, ...(opts.args ?? [])], { stdio: 'ignore' });
  const cleanup = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise((res, rej) => {
      child.once('spawn', res);
      child.once('error', rej);
    });
    await Promise.race([
      waitForPing(url, 5000),
      new Promise((_, rej) => child.once('exit', (code) => rej(new Error(`exited early with code ${code}`)))),
    ]);
  } catch (e) {
    cleanup();
    throw new Error(`cannot start ${bin} (${(e as Error).message}); apt-get install -y redis-server, or set REDIS_URL`);
  }
  process.once('exit', cleanup);
  return {
    url,
    port,
    dir,
    pid: child.pid,
    stop: async () => {
      process.off('exit', cleanup);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
