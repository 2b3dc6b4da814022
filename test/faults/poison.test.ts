/**
 * Fault 6: poison input mixed into normal traffic: invalid JSON written raw, payloads that fail the schema,
 * oversized payloads (refused by enqueue; dead-lettered when written raw), an entry without job fields, and a job
 * whose handler calls process.exit. Each ends in the dead-letter stream with its reason (or is refused at enqueue,
 * nothing written); the workers keep serving the rest.
 */
import { describe, expect, it } from 'vitest';
import { POISON_REASON, type PoisonKind, runScenario } from './harness.js';
import { expectSound, log, size } from './scenario.js';

const KINDS: PoisonKind[] = [
  'bad-json',
  'bad-schema',
  'oversized-api',
  'oversized-raw',
  'malformed',
  'exit',
  'bad-json',
];

describe('fault: poison input', () => {
  it('dead-letters each poison with its reason and completes every other job', async () => {
    const { jobs, faultMs } = size(500, 5);
    const r = await runScenario({
      fsync: 'everysec',
      jobs,
      produceMs: faultMs,
      faults: [],
      faultMs: 0,
      faultEveryMs: 1000,
      poison: KINDS,
      maxDeliveries: 3,
      log,
    });
    expectSound(r);
    for (const [key, kind] of r.poison) {
      const want = POISON_REASON[kind];
      const dead = r.deadDetails.filter((d) => d.key === key);
      if (want === 'rejected-at-enqueue') {
        expect(r.rejected, `${kind} refused at enqueue`).toContain(key);
        expect(dead, `${kind} never written`).toEqual([]);
        continue;
      }
      expect(dead.length, `${kind} (${key}) dead-lettered`).toBeGreaterThanOrEqual(1);
      for (const d of dead) {
        expect(d.reason, `${kind} reason`).toBe(want);
        expect(d.error, `${kind} error`).not.toBe('');
      }
    }
    const poisonKeys = new Set(r.poison.keys());
    // Jobs that shared a process with the exit job may reach maxDeliveries too: reported, never lost.
    const collateral = r.deadDetails.filter((d) => !poisonKeys.has(d.key ?? ''));
    for (const d of collateral) expect(d.reason).toBe('poison');
    expect(r.exits.filter((e) => e.kind === 'poison').length).toBeGreaterThanOrEqual(3);
    const oversized = r.deadDetails.find((d) => r.poison.get(d.key ?? '') === 'oversized-raw');
    expect(oversized?.error).toMatch(/over the limit of \d+ bytes/);
    const badSchema = r.deadDetails.find((d) => r.poison.get(d.key ?? '') === 'bad-schema');
    expect(badSchema?.error).toMatch(/ms/);
  });
});
