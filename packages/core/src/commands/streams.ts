/** Every stream command bound to one executor, and {@link streamsFor} to use them on any @redis/client client. */
import type { RedisExecutor } from '../connection.js';
import { xack } from './xack.js';
import { type XAddFields, type XAddOptions, xadd } from './xadd.js';
import { xautoclaim, xautoclaimJustId } from './xautoclaim.js';
import { xclaim, xclaimJustId } from './xclaim.js';
import { xdel } from './xdel.js';
import {
  xgroupCreate,
  xgroupCreateConsumer,
  xgroupDelConsumer,
  xgroupDestroy,
  xgroupEnsure,
  xgroupSetId,
} from './xgroup.js';
import { xinfoConsumers, xinfoGroups, xinfoStream } from './xinfo.js';
import { xlen } from './xlen.js';
import { xpending, xpendingRange } from './xpending.js';
import { xrange, xrevrange } from './xrange.js';
import { xread } from './xread.js';
import { xreadgroup } from './xreadgroup.js';
import { xtrim } from './xtrim.js';

/** `fn` with its executor argument bound (generic type parameters are kept). */
function bind<A extends unknown[], R>(
  exec: RedisExecutor,
  fn: (exec: RedisExecutor, ...args: A) => R,
): (...args: A) => R {
  return (...args) => fn(exec, ...args);
}

/** {@link xadd} bound to an executor (both overloads kept). */
export interface BoundXAdd {
  /** Append an entry; resolves to its id. */
  (key: string, fields: XAddFields, opts?: XAddOptions & { noMkStream?: false }): Promise<string>;
  /** Append an entry; resolves to its id, or `null` when `noMkStream` and the stream is missing. */
  (key: string, fields: XAddFields, opts?: XAddOptions): Promise<string | null>;
}

/** A client that can send a raw command: any @redis/client client (single node; not a cluster). */
export interface CommandClient {
  /** Send one raw command and resolve to the raw reply. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** Every stream command, bound to `exec` (same names and arguments, without the executor). */
export function createStreams(exec: RedisExecutor) {
  return {
    /** The executor the commands send through. */
    exec,
    /** See {@link xadd}. */
    xadd: ((key: string, fields: XAddFields, opts?: XAddOptions) => xadd(exec, key, fields, opts)) as BoundXAdd,
    /** See {@link xrange}. */
    xrange: bind(exec, xrange),
    /** See {@link xrevrange}. */
    xrevrange: bind(exec, xrevrange),
    /** See {@link xlen}. */
    xlen: bind(exec, xlen),
    /** See {@link xread}. */
    xread: bind(exec, xread),
    /** See {@link xreadgroup}. */
    xreadgroup: bind(exec, xreadgroup),
    /** See {@link xack}. */
    xack: bind(exec, xack),
    /** See {@link xdel}. */
    xdel: bind(exec, xdel),
    /** See {@link xpending}. */
    xpending: bind(exec, xpending),
    /** See {@link xpendingRange}. */
    xpendingRange: bind(exec, xpendingRange),
    /** See {@link xclaim}. */
    xclaim: bind(exec, xclaim),
    /** See {@link xclaimJustId}. */
    xclaimJustId: bind(exec, xclaimJustId),
    /** See {@link xautoclaim}. */
    xautoclaim: bind(exec, xautoclaim),
    /** See {@link xautoclaimJustId}. */
    xautoclaimJustId: bind(exec, xautoclaimJustId),
    /** See {@link xgroupCreate}. */
    xgroupCreate: bind(exec, xgroupCreate),
    /** See {@link xgroupEnsure}. */
    xgroupEnsure: bind(exec, xgroupEnsure),
    /** See {@link xgroupDestroy}. */
    xgroupDestroy: bind(exec, xgroupDestroy),
    /** See {@link xgroupCreateConsumer}. */
    xgroupCreateConsumer: bind(exec, xgroupCreateConsumer),
    /** See {@link xgroupDelConsumer}. */
    xgroupDelConsumer: bind(exec, xgroupDelConsumer),
    /** See {@link xgroupSetId}. */
    xgroupSetId: bind(exec, xgroupSetId),
    /** See {@link xinfoStream}. */
    xinfoStream: bind(exec, xinfoStream),
    /** See {@link xinfoGroups}. */
    xinfoGroups: bind(exec, xinfoGroups),
    /** See {@link xinfoConsumers}. */
    xinfoConsumers: bind(exec, xinfoConsumers),
    /** See {@link xtrim}. */
    xtrim: bind(exec, xtrim),
  };
}

/** The stream commands bound to one executor (see {@link createStreams}). */
export type Streams = ReturnType<typeof createStreams>;

/** A {@link RedisExecutor} over any connected client with `sendCommand(args)` (the key is not needed). */
export function clientExecutor(client: CommandClient): RedisExecutor {
  return { send: (args) => client.sendCommand([...args]) };
}

/** Every stream command on a connected @redis/client client (RESP2 or RESP3), e.g. `streamsFor(client).xlen(k)`. */
export function streamsFor(client: CommandClient): Streams {
  return createStreams(clientExecutor(client));
}
