/**
 * What one worker knows of a queue's lanes (core lanes.ts: priority high/low streams, the fair stream): the key
 * sets to read in priority order and to reclaim from. Learned with one SMEMBERS at start and again only after a
 * `wake` marker (the first enqueue into a new lane writes one), so a queue without lanes costs nothing more and
 * an idle worker sends no command for it. The consumer group of each lane's stream is created when learned.
 */
import type { QueueKeys } from '@sluice/core';
import { type Lane, queueLanes, type RedisExecutor, readOrder } from '@sluice/core/internal';
import { ensureGroup } from './queue-setup.js';

/** The lanes of one queue, as this worker last read them. */
export class QueueLanes {
  private known: Lane[] = [];
  private stale = true;
  /** Key sets to read, highest priority first (just the queue's own while it has no lane). */
  order: QueueKeys[];

  constructor(
    private readonly exec: RedisExecutor,
    readonly keys: QueueKeys,
  ) {
    this.order = [keys];
  }

  /** True when the queue has a lane besides its default stream. */
  get any(): boolean {
    return this.order.length > 1;
  }

  /** Read the lanes again before the next read (a `wake` marker came, or a group went missing). */
  markStale(): void {
    this.stale = true;
  }

  /** Re-read the lanes if marked stale (one SMEMBERS) and create the group of each new one. */
  async refresh(): Promise<void> {
    if (!this.stale) return;
    const lanes = await queueLanes(this.exec, this.keys);
    await Promise.all(
      lanes.filter((l) => !this.known.includes(l)).map((l) => ensureGroup(this.exec, this.keys.inLane(l))),
    );
    this.known = lanes;
    this.order = readOrder(this.keys, lanes);
    this.stale = false;
  }

  /** Create the group of the default stream and of every known lane (after NOGROUP: the stream was deleted). */
  async ensureGroups(): Promise<void> {
    await Promise.all(this.order.map((k) => ensureGroup(this.exec, k)));
  }
}
