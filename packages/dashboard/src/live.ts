/**
 * The overview and its live stream. One read of the overview is shared by every caller within its age (a single
 * flight: concurrent callers wait for the same read), and one poll per handler, whatever the number of open pages,
 * reads it every `pollMs` while at least one event stream is open and pushes it to the streams when it changed.
 * So the Redis cost of open dashboards is one overview read per `pollMs`, bounded by the number of queues and
 * independent of the job rate (docs/dashboard.md has the measured figure).
 */
import type { QueueStats } from '@sluice/core';

/** One queue as the overview shows it. */
export interface QueueOverview {
  /** Queue name. */
  queue: string;
  /** Jobs waiting to be picked up. */
  ready: number;
  /** Jobs a worker holds. */
  running: number;
  /** Jobs waiting for a time. */
  delayed: number;
  /** Dead-lettered jobs. */
  dead: number;
  /** Completed jobs kept by retention (null: none kept, i.e. retention off or nothing kept now). */
  completed: number | null;
  /** Age of the oldest ready job in ms, or null. */
  oldestReadyAgeMs: number | null;
  /** Whether the queue is paused. */
  paused: boolean;
  /** Live workers on the queue (core's registry). */
  workers: number;
}

/** Every queue at one time. */
export interface Overview {
  /** Epoch ms of the read. */
  at: number;
  /** The queues, by name. */
  queues: QueueOverview[];
}

/** The overview row of one queue's stats and its count of kept completed jobs (0 shows as null). */
export const queueOverview = (s: QueueStats, kept = 0): QueueOverview => ({
  queue: s.queue,
  ready: s.ready,
  running: s.running,
  delayed: s.delayed,
  dead: s.dead,
  completed: kept > 0 ? kept : null,
  oldestReadyAgeMs: s.oldestReadyAgeMs,
  paused: s.paused,
  workers: s.workers,
});

const encoder = new TextEncoder();

/** The shared overview read and the event streams fed by one poll. */
export class LiveOverview {
  private readonly streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  private last: { at: number; overview: Overview; queuesJson: string } | undefined;
  private inflight: Promise<Overview> | undefined;
  private poll: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private sent = '';
  private closed = false;

  constructor(
    private readonly read: () => Promise<Overview>,
    private readonly pollMs: number,
    private readonly heartbeatMs: number,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Open event streams (for tests and the docs' cost figure). */
  get listeners(): number {
    return this.streams.size;
  }

  /** The overview, read at most `maxAgeMs` ago (default half the poll interval); concurrent calls share one read. */
  current(maxAgeMs = this.pollMs / 2): Promise<Overview> {
    if (this.last && Date.now() - this.last.at <= maxAgeMs) return Promise.resolve(this.last.overview);
    this.inflight ??= this.read()
      .then((overview) => {
        this.last = { at: Date.now(), overview, queuesJson: JSON.stringify(overview.queues) };
        return overview;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** A new event stream: the overview at once, then each change; closed when `signal` aborts or the reader cancels. */
  open(signal: AbortSignal): ReadableStream<Uint8Array> {
    let me: ReadableStreamDefaultController<Uint8Array> | undefined;
    const drop = () => {
      if (!me) return;
      this.streams.delete(me);
      try {
        me.close();
      } catch {}
      me = undefined;
      if (this.streams.size === 0) this.stop();
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        if (this.closed || signal.aborted) return controller.close();
        me = controller;
        this.streams.add(controller);
        signal.addEventListener('abort', drop, { once: true });
        controller.enqueue(encoder.encode('retry: 2000\n\n'));
        void this.current().then(
          (o) => me && send(controller, o),
          (err: unknown) => this.onError(err as Error),
        );
        this.start();
      },
      cancel: drop,
    });
  }

  /** Stop the poll and close every stream. */
  close(): void {
    this.closed = true;
    for (const c of this.streams) {
      try {
        c.close();
      } catch {}
    }
    this.streams.clear();
    this.stop();
  }

  private start(): void {
    if (this.poll === undefined) this.schedule();
    if (this.heartbeat === undefined) {
      this.heartbeat = setInterval(() => this.broadcast(encoder.encode(': ping\n\n')), this.heartbeatMs);
      unref(this.heartbeat);
    }
  }

  private stop(): void {
    if (this.poll !== undefined) clearTimeout(this.poll);
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.poll = undefined;
    this.heartbeat = undefined;
  }

  private schedule(): void {
    this.poll = setTimeout(() => void this.tick(), this.pollMs);
    unref(this.poll);
  }

  private async tick(): Promise<void> {
    try {
      await this.current();
      const last = this.last;
      if (last && last.queuesJson !== this.sent) {
        this.sent = last.queuesJson;
        this.broadcast(event(last.overview));
      }
    } catch (err) {
      this.onError(err as Error);
    } finally {
      if (this.poll !== undefined && this.streams.size > 0 && !this.closed) this.schedule();
      else this.poll = undefined;
    }
  }

  private broadcast(bytes: Uint8Array): void {
    for (const c of this.streams) {
      try {
        c.enqueue(bytes);
      } catch {
        this.streams.delete(c);
      }
    }
  }
}

const event = (o: Overview) => encoder.encode(`event: overview\ndata: ${JSON.stringify(o)}\n\n`);
const send = (c: ReadableStreamDefaultController<Uint8Array>, o: Overview) => {
  try {
    c.enqueue(event(o));
  } catch {}
};
const unref = (t: unknown) => (t as { unref?: () => void }).unref?.();
