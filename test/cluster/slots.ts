/** Slot helpers for the cluster tests: which master owns a key, and a live migration of a key's slot. */
import { sleep } from '../wait.js';
import type { LocalCluster } from './harness.js';

/** Port of the master that owns `key`'s slot. */
export async function slotOwner(c: LocalCluster, key: string): Promise<number> {
  const alive = c.nodes.filter((n) => n.proc.exitCode === null && n.proc.signalCode === null);
  const slot = Number((await c.cli(alive[0]?.port as number, 'cluster', 'keyslot', key)).trim());
  for (const n of alive) {
    const role = await c.cli(n.port, 'role').catch(() => '');
    if (!role.startsWith('master')) continue;
    const nodes = await c.cli(n.port, 'cluster', 'nodes');
    const me = nodes.split('\n').find((l) => l.includes('myself'));
    const ranges = (me ?? '').split(' ').slice(8);
    for (const r of ranges) {
      const [a, b] = r.split('-').map(Number);
      if (a !== undefined && slot >= a && slot <= (b ?? a)) return n.port;
    }
  }
  throw new Error(`no master owns slot ${slot}`);
}

const myId = async (c: LocalCluster, port: number) => (await c.cli(port, 'cluster', 'myid')).trim();

/**
 * Move `key`'s slot to another master while clients run: IMPORTING/MIGRATING, MIGRATE the keys in batches
 * (the stream first, so the group moves before the rest), then SETSLOT NODE on every master.
 */
export async function migrateSlot(c: LocalCluster, key: string): Promise<{ from: number; to: number; keys: number }> {
  const from = await slotOwner(c, key);
  const to = c.nodes.find((n) => n.port !== from)?.port as number;
  const slot = (await c.cli(from, 'cluster', 'keyslot', key)).trim();
  const [fromId, toId] = [await myId(c, from), await myId(c, to)];
  await c.cli(to, 'cluster', 'setslot', slot, 'importing', fromId);
  await c.cli(from, 'cluster', 'setslot', slot, 'migrating', toId);
  let moved = 0;
  for (let round = 0; round < 100; round++) {
    const keys = (await c.cli(from, 'cluster', 'getkeysinslot', slot, '50')).split('\n').filter(Boolean);
    if (keys.length === 0) break;
    keys.sort((a, b) => Number(b.endsWith(':stream')) - Number(a.endsWith(':stream')));
    await c.cli(from, 'migrate', '127.0.0.1', String(to), '', '0', '5000', 'KEYS', ...keys);
    moved += keys.length;
    await sleep(50); // let clients hit ASK / TRYAGAIN mid-move
  }
  for (const n of c.nodes) await c.cli(n.port, 'cluster', 'setslot', slot, 'node', toId).catch(() => '');
  return { from, to, keys: moved };
}
