/** What every component of a worker shares: the connection, settings, identity, logger, events. */
import { setMaxListeners } from 'node:events';
import { type ConnectionOptions, loadTelemetry } from '@sluice/core';
import { assertSupportedServer, Connection, type EnqueueContext } from '@sluice/core/internal';
import type { Logger } from 'pino';
import type { Emit, WorkerEventName } from './events.js';
import type { ResolvedOptions } from './options.js';
import { AckBatcher } from './run/ack-batcher.js';

/** The shared state of one running worker. */
export interface WorkerDeps {
  /** Connection for scripts, acks and short commands (never a blocking read). */
  readonly conn: Connection;
  /** Options with defaults applied. */
  readonly opts: ResolvedOptions;
  /** This worker's consumer name (`host:pid:random`), unique per start. */
  readonly consumer: string;
  /** Root logger (bound to the consumer). */
  readonly log: Logger;
  /** Emit a worker event. */
  readonly emit: Emit;
  /** True when `event` has listeners (default: always), so hot paths skip building unused payloads. */
  readonly listening?: (event: WorkerEventName) => boolean;
  /** Batched fenced acks. */
  readonly acks: AckBatcher;
  /** For `ctx.enqueue` and the scheduler. */
  readonly enqueueCtx: EnqueueContext;
  /** Aborted when stop() begins: background loops end. */
  readonly stopping: AbortSignal;
}

/**
 * Connect as `where` says and build the runtime of a worker or driver; the returned controller aborts
 * `stopping`. Rejects (nothing left open) when the first connect fails or the server is older than Redis 7.0.
 */
export async function openWorkerDeps(
  where: Pick<ConnectionOptions, 'url' | 'client' | 'cluster' | 'connectTimeout' | 'tls'>,
  parts: Pick<WorkerDeps, 'opts' | 'consumer' | 'log' | 'emit' | 'listening'>,
): Promise<{ rt: WorkerDeps; stop: AbortController }> {
  const conn = await Connection.open({
    url: where.url,
    client: where.client,
    cluster: where.cluster,
    connectTimeout: where.connectTimeout,
    tls: where.tls,
    onError: (err) => parts.log.debug({ err }, 'redis connection error (the client reconnects)'),
  });
  try {
    await assertSupportedServer(conn); // Redis < 7.0: refuse to start (docs/decisions.md)
  } catch (err) {
    conn.destroy();
    throw err;
  }
  const stop = new AbortController();
  // Every loop of every queue waits on this one signal (a few listeners per queue, each removed when its wait
  // ends), so more than Node's default of 10 is normal, not a leak.
  setMaxListeners(0, stop.signal);
  const enqueueCtx = {
    exec: conn,
    prefix: parts.opts.prefix,
    maxPayloadBytes: parts.opts.maxPayloadBytes,
    known: new Set<string>(),
    telemetry: await loadTelemetry(parts.opts.tracing),
  };
  const rt: WorkerDeps = {
    ...parts,
    conn,
    acks: new AckBatcher(conn, parts.consumer),
    enqueueCtx,
    stopping: stop.signal,
  };
  return { rt, stop };
}
