/**
 * Batched acknowledgements: every ack asked for in the same tick on one queue goes out as one fenced
 * `ackDeliveries` script call. A transient failure is retried; an entry the retry finds no longer pending was
 * acked by the first try (its reply was lost), so it counts as done.
 */
import { ackDeliveries, type Delivery, type Fenced, LeaseLost, type QueueKeys, type RedisExecutor } from '@sluice/core';
import { withRetry } from './retry.js';

interface Waiting {
  d: Delivery;
  resolve: (r: Fenced) => void;
  reject: (e: unknown) => void;
}

/** Collects acks per queue and flushes them once per tick. */
export class AckBatcher {
  private readonly batches = new Map<string, { keys: QueueKeys; items: Waiting[] }>();
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly exec: RedisExecutor,
    private readonly consumer: string,
  ) {}

  /** Acknowledge one delivery (fenced); resolves with its own result. */
  ack(keys: QueueKeys, d: Delivery): Promise<Fenced> {
    return new Promise((resolve, reject) => {
      let b = this.batches.get(keys.queue);
      if (!b) {
        b = { keys, items: [] };
        this.batches.set(keys.queue, b);
      }
      b.items.push({ d, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when every ack asked for so far has its answer. */
  async drain(): Promise<void> {
    if (this.scheduled) this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const { keys, items } of batches) {
      const p = this.send(keys, items).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async send(keys: QueueKeys, items: Waiting[]): Promise<void> {
    try {
      let retried = false;
      const res = await withRetry((n) => {
        retried = n > 0;
        return ackDeliveries(
          this.exec,
          keys,
          this.consumer,
          items.map((i) => i.d),
        );
      });
      items.forEach((item, i) => {
        const r = res[i] ?? { ok: false, lost: LeaseLost.NotPending };
        item.resolve(!r.ok && retried && r.lost === LeaseLost.NotPending ? { ok: true } : r);
      });
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  }
}
