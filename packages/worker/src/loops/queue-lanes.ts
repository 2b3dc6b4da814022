/**
 * What one worker knows of a queue's lanes (core lanes.ts: priority high/low streams, the fair stream): the key
 * sets to read in priority order and to reclaim from. Read from the queue's `lanes` key with the pause flag (one
 * MGET instead of the EXISTS the consumer sent anyway: consumer.ts says when), and after a `wake` marker (the first
 * enqueue into a new lane writes one); the worker that learns a new lane from a marker announces it on the queue's
 * channel (cancel-watch.ts), so a queue without lanes costs nothing more, and every worker learns a new lane
 * whichever of them read the marker. The consumer group of each lane's stream is created when learned.
 */
import type { QueueKeys } from '@sluice/core';
import { type Lane, queueLanes, type RedisExecutor, readOrder } from '@sluice/core/internal';
import { ensureGroup } from './queue-setup.js';

/** The lanes of one queue, as this worker last read them. */
export class QueueLanes {
  private known: Lane[] = [];
  private stale = true;

  /** True when the lanes must be read again before the next read (a marker said a new lane may exist). */
  get mustRefresh(): boolean {
    return this.stale;
  }
  /** Key sets to read, highest priority first (just the queue's own while it has no lane). */
  order: QueueKeys[];

  constructor(
    private readonly exec: RedisExecutor,
    readonly keys: QueueKeys,
    /** Called when a `wake` marker's re-read found a new lane (the worker tells the queue's other workers). */
    private readonly onNew: () => void = () => {},
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

  /** Re-read the lanes if marked stale (one GET) and create the group of each new one. */
  async refresh(): Promise<void> {
    if (!this.stale) return;
    const before = this.known.length;
    await this.learn(await queueLanes(this.exec, this.keys));
    if (this.known.length > before) this.onNew();
  }

  /** Take the lanes read elsewhere (the consumer's MGET with the pause flag); creates the group of each new one. */
  async learn(lanes: readonly Lane[]): Promise<void> {
    const added = lanes.filter((l) => !this.known.includes(l));
    if (added.length > 0) {
      await Promise.all(added.map((l) => ensureGroup(this.exec, this.keys.inLane(l))));
      this.known = [...this.known, ...added];
      this.order = readOrder(this.keys, this.known);
    }
    this.stale = false;
  }

  /** Create the group of the default stream and of every known lane (after NOGROUP: the stream was deleted). */
  async ensureGroups(): Promise<void> {
    await Promise.all(this.order.map((k) => ensureGroup(this.exec, k)));
  }
}
