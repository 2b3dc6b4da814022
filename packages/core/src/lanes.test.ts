import { describe, expect, it } from 'vitest';
import { queueKeys } from './keys.js';
import { assertGroupKey, assertPriority, laneOf, parseLanes, priorityOfLane, readOrder } from './lanes.js';

describe('lanes', () => {
  it('maps priority and group to a lane; normal without a group stays on the default stream', () => {
    expect(laneOf(undefined, undefined)).toBeUndefined();
    expect(laneOf('normal', undefined)).toBeUndefined();
    expect(laneOf('high', undefined)).toBe('high');
    expect(laneOf('low', undefined)).toBe('low');
    expect(laneOf(undefined, 't1')).toBe('fair');
    expect(laneOf('normal', 't1')).toBe('fair');
    expect(() => laneOf('high', 't1')).toThrow('group and priority "high" cannot be combined');
    expect(priorityOfLane('fair')).toBe('normal');
    expect(priorityOfLane(undefined)).toBe('normal');
    expect(priorityOfLane('low')).toBe('low');
  });

  it('checks priorities and group keys with a message naming the field', () => {
    expect(() => assertPriority('high')).not.toThrow();
    expect(() => assertPriority(undefined)).not.toThrow();
    expect(() => assertPriority(3, 'enqueue: priority')).toThrow(
      'enqueue: priority must be one of high, normal, low; got 3',
    );
    expect(() => assertGroupKey('tenant-1')).not.toThrow();
    expect(() => assertGroupKey('')).toThrow('group must be a string of 1-200 characters');
    expect(() => assertGroupKey('x'.repeat(201))).toThrow('group must be');
    expect(() => assertGroupKey('a\nb')).toThrow('without control characters');
    expect(() => assertGroupKey(7)).toThrow('got 7');
  });

  it('reads high, the default stream, fair, low; only the lanes the queue has', () => {
    const k = queueKeys('sluice', 'q');
    expect(readOrder(k, []).map((x) => x.stream)).toEqual(['sluice:{q}:stream']);
    expect(readOrder(k, ['low', 'fair', 'high']).map((x) => x.stream)).toEqual([
      'sluice:{q}:stream:high',
      'sluice:{q}:stream',
      'sluice:{q}:stream:fair',
      'sluice:{q}:stream:low',
    ]);
    expect(parseLanes(['low', 'bogus', 'high'])).toEqual(['high', 'low']);
  });

  it('a lane key set changes only the stream, keeps the hash tag, and is the same object each time', () => {
    const k = queueKeys('sluice', 'q');
    const hi = k.inLane('high');
    expect(hi).toBe(k.inLane('high'));
    expect(hi.lane).toBe('high');
    expect(hi.delayed).toBe(k.delayed);
    expect(hi.index).toBe(k.index);
    expect(hi.inLane(undefined)).toBe(k);
    expect(k.inLane(undefined)).toBe(k);
    for (const key of [hi.stream, k.lanes, k.fair, k.fairRounds]) expect(key.startsWith('sluice:{q}:')).toBe(true);
  });
});
