/** A delivery held by a worker's pool (pool.ts): its task, and the pool's record of where it is. */
import type { QueueKeys } from '@sluice/core';
import type { Delivery } from '@sluice/core/internal';
import { RunSignal } from './run-signal.js';
import { Delivered } from './run-types.js';

/**
 * A delivery held by this worker: the pool's record of it (waiting or running, lease renewed or not, slot given
 * up or not). The run reads it as its task; how the run goes is told to the pool itself ({@link RunOwner}).
 */
export class Held extends Delivered {
  declare readonly interrupt: RunSignal;
  /** False once the lease must no longer be renewed (timed out, lost, finishing elsewhere). */
  renew = true;
  /** True once its slot was given up (the handler is over; its ack or retry may still be in flight). */
  released = false;
  /** True from the release of its slot until its outcome is recorded (counted in the pool's `finishing`). */
  finishing = false;
  /** The clock's monotonic ms when the pool took it, and when its handler was called (0: not yet). */
  heldAt = 0;
  startedAt = 0;

  constructor(keys: QueueKeys, delivery: Delivery, fields: Record<string, string>) {
    // Interrupted by the pool: shutdown, lease lost.
    super(keys, delivery, fields, new RunSignal());
  }
}
