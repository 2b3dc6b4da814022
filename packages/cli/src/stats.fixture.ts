/** Test fixture (not built into dist): the stats of an empty queue `emails`, with `over` applied. */
import type { QueueStats } from '@sluice/core';

export const queueStats = (over: Partial<QueueStats> = {}): QueueStats => ({
  queue: 'emails',
  ready: 0,
  running: 0,
  delayed: 0,
  dead: 0,
  consumers: [],
  workers: 0,
  oldestReadyAgeMs: null,
  oldestRunningIdleMs: null,
  paused: false,
  flow: { queued: 0, delayed: 0, skipped: 0, debounced: 0, throttled: 0 },
  ...over,
});
