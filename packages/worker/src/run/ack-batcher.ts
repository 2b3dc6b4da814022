/**
 * Batched acknowledgements: every ack asked for in the same tick on one queue goes out as one fenced
 * `ackDeliveries` script call. A transient failure is retried (core's wrapper counts an entry the retry finds no
 * longer pending as done: the first try landed and only its reply was lost).
 */
import type { QueueKeys } from '@sluice/core';
import { ackDeliveries, type Delivery, type Fenced, LeaseLost, type RedisExecutor } from '@sluice/core/internal';
import { withRetry } from '../loops/redis-resilience.js';
import type { AckReceiver, AckSink } from './run-types.js';

/** The answer for a delivery the script's reply does not list (it never omits one). */
const NOT_PENDING: Fenced = Object.freeze({ ok: false, lost: LeaseLost.NotPending });

interface Batch {
  keys: QueueKeys;
  ds: Delivery[];
  to: AckReceiver[];
}

/** Collects acks per queue and flushes them once per tick. */
export class AckBatcher implements AckSink {
  private batches = new Map<string, Batch>();
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly exec: RedisExecutor,
    private readonly consumer: string,
  ) {}

  /** Acknowledge one delivery (fenced); `to.acked` gets its own result, or the error that outlasted the retries. */
  add(keys: QueueKeys, d: Delivery, to: AckReceiver): void {
    // one batch per stream: a queue with lanes (priorities, fair groups) has one stream per lane
    let b = this.batches.get(keys.stream);
    if (!b) {
      b = { keys, ds: [], to: [] };
      this.batches.set(keys.stream, b);
    }
    b.ds.push(d);
    b.to.push(to);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.sendAll());
    }
  }

  /** Resolves when every ack asked for so far has its answer. */
  async flush(): Promise<void> {
    if (this.scheduled) this.sendAll();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Send every batch collected so far (one script call per queue). */
  private sendAll(): void {
    this.scheduled = false;
    const batches = this.batches;
    this.batches = new Map();
    for (const b of batches.values()) {
      const p = this.send(b).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async send({ keys, ds, to }: Batch): Promise<void> {
    let res: Fenced[];
    try {
      res = await withRetry((n) => ackDeliveries(this.exec, keys, this.consumer, ds, n > 0));
    } catch (err) {
      for (const r of to) r.acked(err, undefined);
      return;
    }
    for (let i = 0; i < to.length; i++) (to[i] as AckReceiver).acked(undefined, res[i] ?? NOT_PENDING);
  }
}
