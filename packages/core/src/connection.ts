/**
 * @redis/client setup: the `'error'` listener every client needs, a reconnect policy that gives up on the
 * first connect (so a dead URL fails fast) but retries for ever once connected, and `duplicate()` for the
 * dedicated connections of blocking reads. Commands go through {@link RedisExecutor}, which works the same on
 * a single client and on a Redis Cluster (routed by the first key).
 */
import { createCluster, RedisClient } from '@redis/client';
import { DEFAULTS } from './options.js';

/** The part of an @redis/client client that Sluice uses. Any `createClient()` result fits. */
export interface RedisClientLike {
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
  duplicate(): RedisClientLike;
  connect(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): Promise<unknown>;
  destroy(): unknown;
  readonly isOpen: boolean;
  readonly isReady: boolean;
}

/** The part of an @redis/client cluster that Sluice uses. Any `createCluster()` result fits. */
export interface RedisClusterLike {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: ReadonlyArray<string>,
  ): Promise<unknown>;
  duplicate(): RedisClusterLike;
  connect(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): Promise<unknown>;
  destroy(): unknown;
  readonly isOpen: boolean;
  readonly masters: ReadonlyArray<unknown>;
}

/** Sends raw commands. Every argument is a string built by core (DESIGN.md). */
export interface RedisExecutor {
  /** Send `args`; `key` is the first key (routes the command on a cluster). */
  send(args: ReadonlyArray<string>, key?: string): Promise<unknown>;
}

/** How to reach Redis: a URL, a cluster's nodes, or a client/cluster you created and own. */
export interface ConnectionOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (default `REDIS_URL`, then `redis://127.0.0.1:6379`). */
  url?: string;
  /** Redis Cluster: root node URLs (default: none, a single server). */
  cluster?: { rootNodes: readonly string[] };
  /** An @redis/client client or cluster, connected or not. Sluice never closes it. Default: none. */
  client?: RedisClientLike | RedisClusterLike;
  /** Called with connection errors (default: ignored; they are retried). */
  onError?: (err: Error) => void;
  /** Milliseconds the first connect may take before it fails (default 5000). */
  connectTimeout?: number;
  /**
   * Per-command timeout of the clients Sluice creates, in ms: how long a command may wait unsent (in the
   * client's offline queue while it reconnects) before it rejects. 0 = no per-command timer (default 0).
   * @redis/client arms an `AbortSignal.timeout` for every command when this is set, which costs more than the
   * command itself on the hot path (docs/benchmarks.md); a sent command is never timed out either way.
   */
  commandTimeout?: number;
}

type AnyRedis = RedisClientLike | RedisClusterLike;
const isCluster = (c: AnyRedis): c is RedisClusterLike => Array.isArray((c as RedisClusterLike).masters);

/** A connection Sluice sends through; closes the client only if Sluice created it. */
export class Connection implements RedisExecutor {
  private constructor(
    /** The underlying client or cluster. */
    readonly client: AnyRedis,
    private readonly owned: boolean,
    private readonly opts: ConnectionOptions,
  ) {}

  /** True when this is a Redis Cluster connection. */
  get isCluster(): boolean {
    return isCluster(this.client);
  }

  /** True until closed. */
  get isOpen(): boolean {
    return this.client.isOpen;
  }

  /** Connect as `opts` says. Rejects (naming the URL and the cause) when the first connect fails. */
  static async open(opts: ConnectionOptions = {}): Promise<Connection> {
    if (opts.client) {
      if (!opts.client.isOpen) {
        opts.client.on('error', opts.onError ?? (() => {}));
        await opts.client.connect();
      }
      return new Connection(opts.client, false, opts);
    }
    const timeout = opts.connectTimeout ?? DEFAULTS.connectTimeout;
    const commandTimeout = opts.commandTimeout ?? DEFAULTS.commandTimeout;
    if (opts.cluster) {
      if (!opts.cluster.rootNodes.length) throw new TypeError('cluster.rootNodes must name at least one node');
      const conn = new Connection(createSluiceCluster(opts.cluster.rootNodes, timeout, commandTimeout), true, opts);
      await conn.start();
      return conn;
    }
    const url = opts.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const conn = new Connection(createSluiceClient(url, timeout, commandTimeout), true, { ...opts, url });
    await conn.start();
    return conn;
  }

  private where(): string {
    return this.opts.cluster
      ? `cluster ${this.opts.cluster.rootNodes.map(redactUrl).join(',')}`
      : redactUrl(this.opts.url ?? '');
  }

  private async start(): Promise<void> {
    let firstError: Error | undefined;
    this.client.on('error', (err) => {
      firstError ??= err;
      this.opts.onError?.(err);
    });
    try {
      await this.client.connect();
    } catch (e) {
      const cause = (firstError ?? (e as Error)).message || (firstError ?? (e as Error)).name;
      this.client.destroy();
      throw new Error(`cannot connect to Redis at ${this.where()}: ${cause}`);
    }
  }

  /** Send one command; `key` routes it on a cluster (a keyless command goes to any node). */
  send(args: ReadonlyArray<string>, key?: string): Promise<unknown> {
    const c = this.client;
    return isCluster(c) ? c.sendCommand(key, false, args) : c.sendCommand(args);
  }

  /** A new dedicated connection to the same server or cluster (for a blocking read). Always owned: close it. */
  async duplicate(): Promise<Connection> {
    const dup = new Connection(this.client.duplicate(), true, this.opts);
    await dup.start();
    return dup;
  }

  /**
   * Close if owned: waits for pending replies, at most `DEFAULTS.closeTimeout` ms (2000), then drops the
   * connection. A cluster node that died (failover) never answers its queued commands, and waiting for them
   * would keep the process alive for ever.
   */
  async close(): Promise<void> {
    if (!this.owned || !this.client.isOpen) return;
    const closing = this.client.close();
    const late = Symbol('close timed out');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<typeof late>((resolve) => {
      timer = setTimeout(resolve, DEFAULTS.closeTimeout, late);
    });
    try {
      if ((await Promise.race([closing, gaveUp])) === late) {
        closing.catch(() => undefined);
        this.client.destroy();
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drop at once if owned: pending commands reject (use for a connection blocked in a read). */
  destroy(): void {
    if (this.owned && this.client.isOpen) this.client.destroy();
  }
}

/** Sluice's reconnect policy: fail the first connect after `connectTimeout` ms, then reconnect for ever. */
function reconnectPolicy(connectTimeout: number) {
  let everReady = false;
  const started = Date.now();
  return {
    ready: () => {
      everReady = true;
    },
    strategy: (retries: number, cause: Error) => {
      if (!everReady && Date.now() - started >= connectTimeout) return cause;
      if (!everReady && /WRONGPASS|NOAUTH|NOPERM/.test(cause.message)) return cause;
      const delay = Math.min(50 * 2 ** Math.min(retries, 6), 2000) + Math.floor(Math.random() * 100);
      // Before the first ready, never sleep past the deadline: the first connect fails within connectTimeout.
      return everReady ? delay : Math.max(0, Math.min(delay, started + connectTimeout - Date.now()));
    },
  };
}

/**
 * A client with Sluice's policy: fail the first connect after `connectTimeout` ms, then reconnect for ever.
 * `commandTimeout` (ms, 0 = none; default `DEFAULTS.commandTimeout`) bounds how long a command waits unsent.
 * It is a bare `RedisClient` (only `sendCommand`, which is all Sluice sends through): `createClient()` builds a
 * class with ~500 command methods for every options object, 15-25 ms of a cold start (docs/benchmarks.md).
 */
export function createSluiceClient(
  url: string,
  connectTimeout: number,
  commandTimeout: number = DEFAULTS.commandTimeout,
): RedisClientLike {
  const policy = reconnectPolicy(connectTimeout);
  const client = new RedisClient({
    url,
    socket: { connectTimeout, reconnectStrategy: policy.strategy },
    commandOptions: { timeout: commandTimeout },
  });
  client.on('ready', policy.ready);
  return client as unknown as RedisClientLike;
}

/** A cluster client with the same policy; topology is refreshed quickly while a node reconnects (failover). */
export function createSluiceCluster(
  rootNodes: readonly string[],
  connectTimeout: number,
  commandTimeout: number = DEFAULTS.commandTimeout,
): RedisClusterLike {
  const policy = reconnectPolicy(connectTimeout);
  const url = new URL(rootNodes[0] as string);
  const cluster = createCluster({
    rootNodes: rootNodes.map((u) => ({ url: u })),
    defaults: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      socket: { connectTimeout, reconnectStrategy: policy.strategy },
    },
    commandOptions: { timeout: commandTimeout },
    topologyRefreshOnReconnectionAttemptStrategy: 300,
  });
  cluster.on('connect', policy.ready);
  return cluster as unknown as RedisClusterLike;
}

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}
