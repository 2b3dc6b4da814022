/**
 * @redis/client setup: the `'error'` listener every client needs, a reconnect policy that gives up on the
 * first connect (so a dead URL fails fast) but retries for ever once connected, and `duplicate()` for the
 * dedicated connections of blocking reads. Commands go through {@link RedisExecutor}, which works the same on
 * a single client and on a Redis Cluster (routed by the first key).
 */
import { createCluster, ErrorReply, RedisClient } from '@redis/client';
import { SluiceArgumentError } from './errors.js';
import { DEFAULTS } from './options.js';
import { redactSecrets, redactUrl } from './redact.js';

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

/**
 * TLS to Redis beyond what a `rediss://` URL gives (the system CAs): a private CA, a client certificate (mTLS),
 * the name to check the server's certificate against. PEM text or buffers, as node:tls takes them.
 */
export interface TlsOptions {
  /** CA certificates to trust instead of the system's (default: the system CAs, plus `NODE_EXTRA_CA_CERTS`). */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Client certificate chain, for servers that require one (`tls-auth-clients yes`) (default none). */
  cert?: string | Buffer;
  /** Private key of `cert` (default none). */
  key?: string | Buffer;
  /** Server name for SNI and the certificate check (default: the URL's host). */
  servername?: string;
  /** Refuse a server whose certificate does not verify (default true; false is for tests only). */
  rejectUnauthorized?: boolean;
}

/** How to reach Redis: a URL, a cluster's nodes, or a client/cluster you created and own. */
export interface ConnectionOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (default `REDIS_URL`, then `redis://127.0.0.1:6379`). */
  url?: string;
  /** Redis Cluster: root node URLs (default: none, a single server). */
  cluster?: { rootNodes: readonly string[] };
  /** An @redis/client client or cluster, connected or not. Sluice never closes it. Default: none. */
  client?: RedisClientLike | RedisClusterLike;
  /** TLS options; they need `rediss://` URLs (default none: a `rediss://` URL trusts the system CAs). */
  tls?: TlsOptions;
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

/**
 * True when `err` is an error reply from Redis (@redis/client's `ErrorReply` or a subclass): from the copy of
 * @redis/client bundled into core's dist, or from an application's own client (another copy, matched by class
 * name along its prototype chain).
 */
export function isErrorReply(err: unknown): err is Error {
  if (err instanceof ErrorReply) return true;
  if (!(err instanceof Error)) return false;
  for (let p: unknown = Object.getPrototypeOf(err); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'ErrorReply') return true;
  }
  return false;
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
      for (const n of opts.cluster.rootNodes) assertTlsUrl(n, opts.tls);
      const cluster = createSluiceCluster(opts.cluster.rootNodes, timeout, commandTimeout, opts.tls);
      const conn = new Connection(cluster, true, opts);
      await conn.start();
      return conn;
    }
    const url = opts.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    assertTlsUrl(url, opts.tls);
    const conn = new Connection(createSluiceClient(url, timeout, commandTimeout, opts.tls), true, { ...opts, url });
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
      throw new Error(`cannot connect to Redis at ${this.where()}: ${redactSecrets(cause)}`);
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

/** Throws unless `url` is `rediss://` when TLS options are given (they would be ignored, or refused by the client). */
function assertTlsUrl(url: string, tls: TlsOptions | undefined): void {
  if (tls && !/^rediss:\/\//i.test(url)) {
    throw new SluiceArgumentError(`tls options need a rediss:// URL; got ${redactUrl(url)}`);
  }
}

/** The socket options of `tls` for @redis/client (nothing when there are none). */
function tlsSocket(tls: TlsOptions | undefined): Record<string, unknown> {
  if (!tls) return {};
  const { ca, cert, key, servername, rejectUnauthorized } = tls;
  const o = { tls: true, ca, cert, key, servername, rejectUnauthorized };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
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
      // Refused credentials and certificates do not get better by retrying: fail the first connect at once.
      if (!everReady && /WRONGPASS|NOAUTH|NOPERM/.test(cause.message)) return cause;
      if (!everReady && /CERT|SELF_SIGNED|ERR_TLS|ERR_SSL/.test(String((cause as { code?: unknown }).code)))
        return cause;
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
  tls?: TlsOptions,
): RedisClientLike {
  const policy = reconnectPolicy(connectTimeout);
  const client = new RedisClient({
    url,
    // No CLIENT SETINFO at connect: two commands fewer per connection, and the ACL rule of docs/security.md
    // stays one line that works on every Redis version (SETINFO exists only from 7.2).
    disableClientInfo: true,
    socket: { connectTimeout, reconnectStrategy: policy.strategy, ...tlsSocket(tls) },
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
  tls?: TlsOptions,
): RedisClusterLike {
  const policy = reconnectPolicy(connectTimeout);
  const url = new URL(rootNodes[0] as string);
  const cluster = createCluster({
    rootNodes: rootNodes.map((u) => ({ url: u })),
    defaults: {
      disableClientInfo: true,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      socket: { connectTimeout, reconnectStrategy: policy.strategy, ...tlsSocket(tls) },
    },
    commandOptions: { timeout: commandTimeout },
    topologyRefreshOnReconnectionAttemptStrategy: 300,
  });
  cluster.on('connect', policy.ready);
  return cluster as unknown as RedisClusterLike;
}
