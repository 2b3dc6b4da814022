/**
 * A local Redis Cluster for tests: N masters (and optionally one replica each) on free loopback ports, each in
 * its own temp dir, created with `redis-cli --cluster create`; waits for `cluster_state:ok` everywhere and for
 * every replica's link. Every node is stopped by its pid.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../redis-server.js';
import { waitFor } from '../wait.js';

const run = promisify(execFile);

/** One node of the cluster. */
export interface ClusterNode {
  port: number;
  url: string;
  dir: string;
  proc: ChildProcess;
}

/** A running cluster. */
export interface LocalCluster {
  nodes: ClusterNode[];
  /** Root node URLs for `createCluster` / Sluice's `cluster.rootNodes`. */
  rootNodes: string[];
  /** `redis-cli -p <port> ...` on a node; returns stdout. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** SIGKILL one node. */
  kill(port: number): void;
  /** Stop every node by pid and remove the dirs. */
  stop(): Promise<void>;
}

/** Wait until `check` holds (a failed check counts as not yet), naming `what` when `ms` runs out. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  await waitFor(() => check().catch(() => false), `cluster: ${what}`, ms, 50);
}

/** Start `masters` masters with `replicas` replicas each (0 or 1). About 2 s. */
export async function startCluster(masters = 3, replicas = 0): Promise<LocalCluster> {
  const count = masters * (1 + replicas);
  const nodes: ClusterNode[] = [];
  const cli = async (port: number, ...args: string[]) =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout;
  const stop = async () => {
    await Promise.all(
      nodes.map(async (n) => {
        if (n.proc.exitCode === null && n.proc.signalCode === null) {
          const exited = new Promise((r) => n.proc.once('exit', r));
          n.proc.kill('SIGKILL');
          await exited;
        }
        rmSync(n.dir, { recursive: true, force: true });
      }),
    );
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
      const proc = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, 'nodes.conf'),
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'no',
          '--repl-diskless-sync-delay',
          '0',
        ],
        { stdio: 'ignore' },
      );
      nodes.push({ port, url: `redis://127.0.0.1:${port}`, dir, proc });
      await new Promise((res, rej) => {
        proc.once('spawn', res);
        proc.once('error', rej);
      });
    }
    for (const n of nodes)
      await until(`PING on ${n.port}`, 5000, async () => (await cli(n.port, 'ping')).trim() === 'PONG');
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { timeout: 20_000 },
    );
    for (const n of nodes) {
      await until(`cluster_state:ok on ${n.port}`, 10_000, async () =>
        (await cli(n.port, 'cluster', 'info')).includes('cluster_state:ok'),
      );
    }
    if (replicas > 0) {
      for (const n of nodes) {
        await until(`replica link on ${n.port}`, 10_000, async () => {
          const info = await cli(n.port, 'info', 'replication');
          return info.includes('role:master') || info.includes('master_link_status:up');
        });
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    nodes,
    rootNodes: nodes.slice(0, 1).map((n) => n.url),
    cli,
    kill: (port) => nodes.find((n) => n.port === port)?.proc.kill('SIGKILL'),
    stop,
  };
}
