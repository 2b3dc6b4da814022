/**
 * Guard of the lean command table in core's vendored @redis/client, Redis Cluster half (the standalone half is
 * test/core/vendored-client.test.ts): a cluster of that copy, set up the way core's createSluiceCluster sets up
 * its own, discovers the slots (`clusterSlots()`, a method of the table on the node clients it builds), connects
 * replicas with READONLY and every node with a name, over RESP2 and RESP3, and routes commands and sharded pub/sub,
 * with no "is not a function" anywhere.
 */
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix, waitFor } from '../helpers.js';
import { buildLeanRedis, LEFT_OUT, type LeanRedis } from '../lean-redis.js';
import { type LocalCluster, startCluster } from './harness.js';

let cluster: LocalCluster;
let lean: LeanRedis;
let remove = () => {};

beforeAll(async () => {
  ({ lean, remove } = await buildLeanRedis());
  cluster = await startCluster(3, 1);
  // CLUSTER SLOTS lists a replica once the cluster's gossip has it: wait for every shard's
  const admin = createClient({ url: cluster.rootNodes[0], socket: { reconnectStrategy: false } });
  admin.on('error', () => {});
  await admin.connect();
  try {
    await waitFor(
      async () => (await admin.clusterSlots()).every((s) => s.replicas.length === 1),
      'a replica in every shard of CLUSTER SLOTS',
    );
  } finally {
    await admin.close();
  }
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  remove();
});

describe.each([2, 3] as const)('a cluster of the vendored @redis/client, RESP%i', (RESP) => {
  it('discovers the slots, names every node, connects replicas READONLY, routes commands and sharded pub/sub', async () => {
    const errors: Error[] = [];
    const name = `lean-cluster-${RESP}`;
    const c = lean.createCluster({
      rootNodes: cluster.rootNodes.map((url) => ({ url })),
      defaults: { disableClientInfo: true, name, socket: { reconnectStrategy: false } },
      RESP,
      useReplicas: true,
    });
    c.on('error', (e: Error) => errors.push(e));
    await c.connect();
    const dup = c.duplicate();
    dup.on('error', (e: Error) => errors.push(e));
    try {
      expect(c.masters).toHaveLength(3);
      expect(c.replicas).toHaveLength(3);
      const key = `${uniquePrefix()}:k`;
      expect(await c.sendCommand(key, false, ['SET', key, 'v'])).toBe('OK');
      // every replica's client: its handshake sends READONLY (from the table) and its name
      for (const node of c.replicas) {
        const client = await c.nodeClient(node);
        const info = String(await client.sendCommand(['CLIENT', 'INFO']));
        expect(info).toContain(`name=${name} `);
        expect(/ resp=(\d)/.exec(info)?.[1]).toBe(String(RESP));
        expect(/ flags=(\w+) /.exec(info)?.[1]).toContain('r');
      }
      for (const node of c.masters) {
        const client = await c.nodeClient(node);
        expect(await client.sendCommand(['CLIENT', 'GETNAME'])).toBe(name);
      }
      const channel = `${uniquePrefix()}:cancel`;
      const got: string[] = [];
      await dup.connect();
      await dup.sSubscribe(channel, (m: string) => got.push(m));
      await c.sendCommand(channel, false, ['SPUBLISH', channel, 'one']);
      await waitFor(() => got.length === 1, 'the sharded message');
      await dup.sUnsubscribe(channel);
      expect(got).toEqual(['one']);
      for (const m of LEFT_OUT) expect(Reflect.get(c, m), m).toBeUndefined();
    } finally {
      dup.destroy();
      await c.close();
    }
    expect(errors.map(String)).toEqual([]);
  });
});
