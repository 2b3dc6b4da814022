/** What every component of a worker shares: the connection, settings, identity, logger, events. */
import type { Connection, EnqueueContext } from '@sluice/core';
import type { Logger } from 'pino';
import type { AckBatcher } from './acks.js';
import type { Emit } from './events.js';
import type { ResolvedOptions } from './options.js';

/** The shared state of one running worker. */
export interface Runtime {
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
  /** Batched fenced acks. */
  readonly acks: AckBatcher;
  /** For `ctx.enqueue` and the scheduler. */
  readonly enqueueCtx: EnqueueContext;
  /** Aborted when stop() begins: background loops end. */
  readonly stopping: AbortSignal;
}
