/**
 * Cancel watch: delivers an operator's cancel of a running job to the worker that runs it, within a second and
 * without polling. One dedicated connection subscribes (sharded pub/sub, SSUBSCRIBE: on a cluster the channel
 * lives on the queue's slot) to each queue's cancel channel; core's cancelJob writes the request to the queue's
 * cancels hash and then publishes the job id. A subscribed connection sends no command while idle.
 * Nothing is missed: after each (re)subscribe the requests of the jobs this worker holds are read from the hash
 * (one HMGET per queue, only when it holds jobs), and every lease renewal also reports them (lease-keeper), so a
 * message lost in a disconnect, a cluster failover, or on a server without sharded pub/sub costs at most lease/3.
 * The same channel carries `FLAGS_CHANGED` (core queue-admin.ts: a pause, a resume, a new lane): the queue's
 * consumer reads its flags again at once, so an idle one need not read them before every blocking read (`live`
 * says when it may rely on this; after each resubscribe the consumers read them again, messages may be lost).
 */
import { announceFlags, type Connection, cancelRequested, FLAGS_CHANGED, queueKeys } from '@sluice/core/internal';
import type { WorkerDeps } from '../worker-deps.js';

/** A client or cluster with sharded pub/sub (any @redis/client one). */
interface ShardedSubscriber {
  sSubscribe(channels: string | string[], listener: (message: string, channel: string) => void): Promise<unknown>;
  on(event: 'ready' | 'end' | 'error', listener: () => void): unknown;
}

/** Who holds the jobs a cancel may name (the job pool). */
export interface CancelTarget {
  /** Abort the run of `jobId` of `queue`; false when it is not held here. */
  cancel(queue: string, jobId: string): boolean;
  /** Job ids of every delivery of `queue` held here. */
  heldJobIds(queue: string): string[];
}

/** Subscribes to the cancel channels of the worker's queues and aborts the runs they name. */
export class CancelWatch {
  private sub: Connection | undefined;
  private closed = false;
  private subscribed = false;
  private readonly flagListeners = new Map<string, () => void>();

  constructor(
    private readonly rt: WorkerDeps,
    private readonly target: CancelTarget,
    /** Queues to watch (default: the worker's). */
    private readonly queues: readonly string[] = rt.opts.queues,
  ) {}

  /** True while subscribed: a change of a queue's flags reaches its consumer without polling. */
  get live(): boolean {
    return this.subscribed && !this.closed;
  }

  /** Call `listener` when `queue`'s flags change, and after each resubscribe (a message may have been lost). */
  onFlags(queue: string, listener: () => void): void {
    this.flagListeners.set(queue, listener);
  }

  /** Tell every worker of `queue` that its flags changed (this one learned a new lane from a `wake` marker). */
  announce(queue: string): void {
    void announceFlags(this.rt.conn, queueKeys(this.rt.opts.prefix, queue));
  }

  private flagsChanged(queue?: string): void {
    if (queue !== undefined) this.flagListeners.get(queue)?.();
    else for (const l of this.flagListeners.values()) l();
  }

  /**
   * Connect and subscribe. Never rejects: without pub/sub (a server or proxy that refuses SSUBSCRIBE) cancels
   * still arrive with the next lease renewal, and a warning says so.
   */
  async start(): Promise<void> {
    const { rt } = this;
    try {
      this.sub = await rt.conn.duplicate();
      if (this.closed) return this.sub.destroy();
      const client = this.sub.client as unknown as ShardedSubscriber;
      // named so an operator (and a test) can tell it in CLIENT LIST
      if (!this.sub.isCluster)
        await this.sub.send(['CLIENT', 'SETNAME', `sluice-cancels:${rt.consumer}`]).catch(() => {});
      const byChannel = new Map(this.queues.map((q) => [queueKeys(rt.opts.prefix, q).cancelChannel, q]));
      const onMessage = (jobId: string, channel: string) => {
        const queue = byChannel.get(channel);
        if (jobId === FLAGS_CHANGED) this.flagsChanged(queue ?? '');
        else if (queue !== undefined && this.target.cancel(queue, jobId))
          rt.log.info({ queue, jobId }, 'cancel requested: aborting the job');
      };
      // one call per channel: on a cluster each lives on its queue's shard (a multi-channel SSUBSCRIBE must not cross slots)
      await Promise.all([...byChannel.keys()].map((ch) => client.sSubscribe(ch, onMessage)));
      // after a reconnect the client has subscribed again: read what was requested while it was away
      if (!this.sub.isCluster) {
        client.on('ready', () => {
          this.subscribed = true;
          this.flagsChanged();
          void this.check();
        });
        const lost = () => {
          this.subscribed = false;
        };
        client.on('end', lost);
        client.on('error', lost);
      }
      this.subscribed = true;
      // a change published before the subscription was up was not heard: the consumers read the flags again
      this.flagsChanged();
      await this.check();
    } catch (err) {
      if (this.closed) return;
      rt.log.warn(
        { err },
        'cannot subscribe to cancel requests (sharded pub/sub); running jobs are cancelled at the next lease renewal',
      );
      this.sub?.destroy();
      this.sub = undefined;
    }
  }

  /** Abort the held jobs that have a cancel request waiting (one HMGET per queue that holds jobs). */
  async check(): Promise<void> {
    const { rt } = this;
    await Promise.all(
      this.queues.map(async (queue) => {
        const ids = this.target.heldJobIds(queue);
        if (ids.length === 0) return;
        try {
          const asked = await cancelRequested(rt.conn, queueKeys(rt.opts.prefix, queue), ids);
          asked.forEach((yes, i) => {
            if (yes) this.target.cancel(queue, ids[i] as string);
          });
        } catch (err) {
          rt.log.debug({ err, queue }, 'could not read cancel requests; the lease renewal reports them');
        }
      }),
    );
  }

  /** Unsubscribe and close the connection. */
  async stop(): Promise<void> {
    this.closed = true;
    this.subscribed = false;
    const sub = this.sub;
    this.sub = undefined;
    if (sub) sub.destroy();
  }
}
