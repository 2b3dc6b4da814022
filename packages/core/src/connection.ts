/**
 * @redis/client setup: the `'error'` listener every client needs, a reconnect policy that gives up on the
 * first connect (so a dead URL fails fast) but retries for ever once connected, and `duplicate()` for the
 * dedicated connections of blocking reads. Commands go through {@link RedisExecutor}, which works the same on
 * a single client and (routed by key) on a cluster.
 */
import { createClient } from '@redis/client';
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

/** Sends raw commands. Every argument is a string built by core (DESIGN.md). */
export interface RedisExecutor {
  /** Send `args`; `key` is the first key (routes the command on a cluster). */
  send(args: ReadonlyArray<string>, key?: string): Promise<unknown>;
}

/** How to reach Redis: a URL (Sluice creates and owns the client) or a client you created and own. */
export interface ConnectionOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (default `REDIS_URL`, then `redis://127.0.0.1:6379`). */
  url?: string;
  /** An @redis/client client; connected or not. Sluice never closes it. */
  client?: RedisClientLike;
  /** Called with connection errors (default: ignored after the first connect; they are retried). */
  onError?: (err: Error) => void;
  /** Milliseconds the first connect may take before it fails (default 5000). */
  connectTimeout?: number;
}

/** A connection Sluice sends through; closes the client only if Sluice created it. */
export class Connection implements RedisExecutor {
  private constructor(
    /** The underlying client. */
    readonly client: RedisClientLike,
    private readonly owned: boolean,
    private readonly opts: ConnectionOptions,
  ) {}

  /** Connect as `opts` says. Rejects (naming the URL and the cause) when the first connect fails. */
  static async open(opts: ConnectionOptions = {}): Promise<Connection> {
    if (opts.client) {
      if (!opts.client.isOpen) {
        opts.client.on('error', opts.onError ?? (() => {}));
        await opts.client.connect();
      }
      return new Connection(opts.client, false, opts);
    }
    const url = opts.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const client = createSluiceClient(url, opts.connectTimeout ?? DEFAULTS.connectTimeout);
    const conn = new Connection(client, true, { ...opts, url });
    await conn.start();
    return conn;
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
      const cause = (firstError ?? (e as Error)).message || (e as Error).name;
      this.client.destroy();
      throw new Error(`cannot connect to Redis at ${redactUrl(this.opts.url ?? '')}: ${cause}`);
    }
  }

  /** Send one command. */
  send(args: ReadonlyArray<string>): Promise<unknown> {
    return this.client.sendCommand(args);
  }

  /** A new dedicated connection to the same server (for a blocking read). Always owned: close it. */
  async duplicate(): Promise<Connection> {
    const dup = new Connection(this.client.duplicate(), true, this.opts);
    await dup.start();
    return dup;
  }

  /** Close if owned: waits for pending replies. */
  async close(): Promise<void> {
    if (this.owned && this.client.isOpen) await this.client.close();
  }

  /** Drop at once if owned: pending commands reject (use for a connection blocked in a read). */
  destroy(): void {
    if (this.owned && this.client.isOpen) this.client.destroy();
  }
}

/** A client with Sluice's policy: fail the first connect after `connectTimeout` ms, then reconnect for ever. */
export function createSluiceClient(url: string, connectTimeout: number): RedisClientLike {
  let everReady = false;
  const started = Date.now();
  const client = createClient({
    url,
    socket: {
      connectTimeout,
      reconnectStrategy: (retries: number, cause: Error) => {
        if (!everReady && Date.now() - started >= connectTimeout) return cause;
        if (!everReady && /WRONGPASS|NOAUTH|NOPERM/.test(cause.message)) return cause;
        const delay = Math.min(50 * 2 ** Math.min(retries, 6), 2000) + Math.floor(Math.random() * 100);
        // Before the first ready, never sleep past the deadline: the first connect fails within connectTimeout.
        return everReady ? delay : Math.max(0, Math.min(delay, started + connectTimeout - Date.now()));
      },
    },
  });
  client.on('ready', () => {
    everReady = true;
  });
  return client as unknown as RedisClientLike;
}

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}
