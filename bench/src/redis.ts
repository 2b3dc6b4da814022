/**
 * The private redis-server every run uses: started on a free 127.0.0.1 port with no persistence, stopped by
 * its pid. Plus the admin connection the runner measures through (INFO, CONFIG RESETSTAT, FLUSHALL).
 */
import { execFileSync } from 'node:child_process';
import { createClient, type RedisClientType } from '@redis/client';
import { startRedisServer } from '../../test/redis-server.js';

/** A running private server. */
export interface PrivateRedis {
  url: string;
  port: number;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

/** Start `redis-server` (`REDIS_SERVER_BIN` overrides) with `--save '' --appendonly no` on a free port. */
export async function startRedis(): Promise<PrivateRedis> {
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const version = /v=(\S+)/.exec(execFileSync(bin, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  const r = await startRedisServer({ bin });
  return { url: r.url, port: r.port, pid: r.pid ?? 0, version, stop: r.stop };
}

/** Parse an INFO section into `field -> value`. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Redis-side counters at one moment. */
export interface Snapshot {
  /** used_cpu_sys + used_cpu_user, in microseconds. */
  cpuUs: number;
  /** Calls per command since the last reset (commands run inside Lua are counted too). */
  calls: Record<string, number>;
  usedMemory: number;
}

/** Commands the runner itself sends while measuring; never charged to an implementation. */
const OWN = new Set(['info', 'config|resetstat', 'ping', 'hello', 'client|setinfo']);

/** The runner's admin connection. */
export class Admin {
  private constructor(readonly client: RedisClientType) {}

  static async open(url: string): Promise<Admin> {
    const c = createClient({ url, socket: { reconnectStrategy: false } }) as RedisClientType;
    c.on('error', () => {});
    await c.connect();
    return new Admin(c);
  }

  private async info(section: string): Promise<Record<string, string>> {
    return parseInfo(String(await this.client.sendCommand(['INFO', section])));
  }

  /** Empty the private server (and its script cache), then zero the command counters. */
  async reset(): Promise<void> {
    await this.client.sendCommand(['FLUSHALL']);
    await this.client.sendCommand(['SCRIPT', 'FLUSH']);
    await this.resetStats();
  }

  /** CONFIG RESETSTAT: zero commandstats. */
  async resetStats(): Promise<void> {
    await this.client.sendCommand(['CONFIG', 'RESETSTAT']);
  }

  /** CPU, command counts and memory now. */
  async snapshot(): Promise<Snapshot> {
    const [cpu, cmd, mem] = await Promise.all([this.info('cpu'), this.info('commandstats'), this.info('memory')]);
    const calls: Record<string, number> = {};
    for (const [k, v] of Object.entries(cmd)) {
      const name = k.replace(/^cmdstat_/, '');
      const n = Number(/calls=(\d+)/.exec(v)?.[1] ?? 0);
      if (!OWN.has(name) && n > 0) calls[name] = n;
    }
    const cpuUs = Math.round((Number(cpu.used_cpu_sys) + Number(cpu.used_cpu_user)) * 1e6);
    return { cpuUs, calls, usedMemory: Number(mem.used_memory) };
  }

  /** Sum of calls. */
  static total(calls: Record<string, number>): number {
    return Object.values(calls).reduce((a, b) => a + b, 0);
  }

  /** Calls between two snapshots (the second taken after no reset). */
  static diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(b)) if (v - (a[k] ?? 0) > 0) out[k] = v - (a[k] ?? 0);
    return out;
  }

  /**
   * used_memory right after CONFIG RESETSTAT. Redis 7 keeps a latency histogram per command name used since the
   * last reset (tens of KiB each); resetting first keeps those measurement artefacts out of the comparison.
   */
  async memory(): Promise<number> {
    await this.resetStats();
    return Number((await this.info('memory')).used_memory);
  }

  /** Entries in the server's keyspace. */
  async dbsize(): Promise<number> {
    return Number(await this.client.sendCommand(['DBSIZE']));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
