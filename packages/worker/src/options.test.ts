import { defineJob } from '@sluice/core';
import { DEFAULTS } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { WorkerEvents } from './events.js';
import { blockFor } from './loops/consumer.js';
import { resolveOptions, WORKER_DEFAULTS } from './options.js';

const a = defineJob({ name: 'a', handler: () => {} });
const b = defineJob({ name: 'b', queue: 'shared', handler: () => {} });
const c = defineJob({ name: 'c', queue: 'shared', handler: () => {} });

describe('resolveOptions', () => {
  it('applies the defaults and derives the queues from the jobs', () => {
    const o = resolveOptions({ jobs: [a, b, c] });
    expect(o).toMatchObject({
      prefix: 'sluice',
      concurrency: 10,
      lease: 30_000,
      maxDeliveries: 5,
      shutdownGrace: 10_000,
      blockMs: 30_000,
    });
    expect(o.queues).toEqual(['a', 'shared']);
    expect(WORKER_DEFAULTS.concurrency).toBe(10);
  });

  it('rejects a duplicate job name and bad numbers, naming them', () => {
    expect(() => resolveOptions({ jobs: [a, defineJob({ name: 'a', handler: () => {} })] })).toThrow(
      /job "a" is given twice/,
    );
    expect(() => resolveOptions({ jobs: [a], concurrency: 0 })).toThrow(/concurrency must be an integer >= 1; got 0/);
    expect(() => resolveOptions({ jobs: [a], maxPayloadBytes: 0.5 })).toThrow(/maxPayloadBytes must be an integer/);
  });

  it("maxPayloadBytes defaults to core's, the producer's default", () => {
    expect(resolveOptions({ jobs: [a] }).maxPayloadBytes).toBe(DEFAULTS.maxPayloadBytes);
    expect(resolveOptions({ jobs: [a], maxPayloadBytes: 4 << 20 }).maxPayloadBytes).toBe(4 << 20);
  });
});

describe('blockFor', () => {
  it('blocks blockMs, or less when a delayed job is due sooner (not under 50 ms)', () => {
    expect(blockFor(30_000, undefined)).toBe(30_000);
    expect(blockFor(30_000, 1200.2)).toBe(1201);
    expect(blockFor(30_000, 0)).toBe(50);
  });
});

describe('WorkerEvents', () => {
  it('delivers typed payloads, unsubscribes, and survives a throwing listener', () => {
    const errors: unknown[] = [];
    const ev = new WorkerEvents((e) => errors.push(e));
    const seen: string[] = [];
    const off = ev.on('job:lost', (p) => seen.push(p.entryId));
    ev.on('job:lost', () => {
      throw new Error('listener bug');
    });
    ev.emit('job:lost', { queue: 'q', entryId: '1-0', reason: 'trimmed' });
    off();
    ev.emit('job:lost', { queue: 'q', entryId: '2-0', reason: 'trimmed' });
    expect(seen).toEqual(['1-0']);
    expect(errors).toHaveLength(2);
  });
});
