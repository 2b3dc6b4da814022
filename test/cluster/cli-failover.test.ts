/**
 * `sluice enqueue --ndjson --redis-cluster` while the master that owns the queue's slot dies (3 masters, one
 * replica each). The CLI talks to the two other masters; writes to the owner are paused so the CLI's XADDs are
 * in flight on it when it is SIGKILLed. The CLI finishes once the replica takes over (every line written
 * once), and when no replica can take over it fails within the recovery bound naming exactly which lines.
 */
import { queueKeys, queuesKey } from '@sluice/core/internal';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSluice } from '../cli/cli-helpers.js';
import { uniquePrefix, waitFor } from '../helpers.js';
import { type LocalCluster, startCluster } from './harness.js';
import { slotOwner } from './slots.js';

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startCluster(3, 1);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const infoField = async (port: number, section: string, field: string): Promise<string | undefined> =>
  new RegExp(`^${field}:(.*)$`, 'm').exec(await cluster.cli(port, 'info', section))?.[1]?.trim();

/** Masters other than `owner`, as `host:port` root nodes for `--redis-cluster`. */
async function otherMasters(owner: number): Promise<string[]> {
  const out: string[] = [];
  for (const n of cluster.nodes) {
    if (n.port === owner || n.proc.exitCode !== null || n.proc.signalCode !== null) continue;
    if ((await cluster.cli(n.port, 'role')).startsWith('master')) out.push(`127.0.0.1:${n.port}`);
  }
  return out;
}

/** A fresh prefix whose queue set lives on another master than `queue`'s stream (so only the XADDs wait). */
async function prefixFor(queue: string): Promise<{ prefix: string; stream: string; owner: number }> {
  for (;;) {
    const prefix = uniquePrefix();
    const stream = queueKeys(prefix, queue).stream;
    const owner = await slotOwner(cluster, stream);
    if ((await slotOwner(cluster, queuesKey(prefix))) !== owner) return { prefix, stream, owner };
  }
}

/** Start `enqueue --ndjson` of 2,000 lines `{"i":n}` with writes to the queue's master paused; resolves once they wait there. */
async function enqueueWhilePaused(prefix: string, queue: string, owner: number) {
  const roots = await otherMasters(owner);
  expect(roots).toHaveLength(2);
  const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i: i + 1 }));
  await cluster.cli(owner, 'client', 'pause', '60000', 'WRITE');
  const args = ['enqueue', 'nd-job', '--ndjson', '--queue', queue, '--json', '--prefix', prefix];
  const cli = startSluice([...args, '--redis-cluster', roots.join(',')], {
    stdin: `${lines.join('\n')}\n`,
    timeoutMs: 50_000,
  });
  await waitFor(async () => Number(await infoField(owner, 'clients', 'blocked_clients')) > 0, 'XADDs waiting', 20_000);
  return cli;
}

it('finishes once the replica of the dead master takes over; every line is written once', async () => {
  const { prefix, stream, owner } = await prefixFor('ndq');
  const cli = await enqueueWhilePaused(prefix, 'ndq', owner);
  const killedAt = Date.now();
  cluster.kill(owner);
  const done = await cli.done;
  const ms = Date.now() - killedAt;
  expect(done.stderr).toBe('');
  expect(done.code).toBe(0);
  expect(JSON.parse(done.stdout)).toMatchObject({ count: 2000, queue: 'ndq' });
  const newOwner = await slotOwner(cluster, stream);
  expect(newOwner).not.toBe(owner);
  const raw = (await cluster.cli(newOwner, 'xrange', stream, '-', '+')).split('\n');
  // a fresh entry's payload follows its one field key, `<U+001F><job name>` (core job.ts envelopeFields)
  const data = raw.filter((_, k) => raw[k - 1]?.charCodeAt(0) === 31).map((d) => (JSON.parse(d) as { i: number }).i);
  expect(data.sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
  console.log(`[cluster] enqueue --ndjson: master :${owner} killed; the CLI finished ${ms} ms later on :${newOwner}`);
}, 60_000);

it('fails within the recovery bound naming exactly which lines were written when no replica takes over', async () => {
  await waitFor(
    async () => (await otherMasters(await slotOwner(cluster, queueKeys('x', 'gone').stream))).length === 2,
    'three masters after the last failover',
    20_000,
  );
  const { prefix, owner } = await prefixFor('gone');
  const replicaPort = Number(/port=(\d+)/.exec((await infoField(owner, 'replication', 'slave0')) ?? '')?.[1]);
  expect(replicaPort).toBeGreaterThan(0);
  const cli = await enqueueWhilePaused(prefix, 'gone', owner);
  const killedAt = Date.now();
  cluster.kill(replicaPort);
  cluster.kill(owner);
  const done = await cli.done;
  const ms = Date.now() - killedAt;
  expect(done.code).toBe(2);
  // Batches of 1,000: the first was in flight on the dead master, the second never sent.
  expect(done.stderr).toMatch(
    /^sluice: --ndjson: 0 lines of 2000 written before Redis failed \(.+\): written: lines none; not written: lines 1001-2000; sent without a reply, may or may not be written: lines 1-1000\n$/,
  );
  expect(ms).toBeLessThan(10_000 + 10_000); // DEFAULTS.enqueueRecoverMs + 10 s
  console.log(`[cluster] enqueue --ndjson, master and replica killed: exit 2 after ${ms} ms`);
}, 60_000);
