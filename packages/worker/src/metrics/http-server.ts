/**
 * The metrics HTTP server: `GET /metrics` (the registry in its exposition format), `GET /healthz` (200 while
 * the process serves requests) and `GET /readyz` (200 when the readiness check passes, else 503 with the
 * reason), on one port for Prometheus and Kubernetes probes. Other paths get 404, other methods 405.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyRegistry } from './catalog.js';

/** The answer of a readiness check: ready, or why not (one line, no secrets). */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** TCP port (0: any free port). */
  port: number;
  /** Interface to bind. */
  host: string;
  /** The registry `/metrics` serves. */
  registry: AnyRegistry;
  /** The check behind `/readyz`. */
  readiness: () => Promise<Readiness>;
  /** Told when serving `/metrics` failed (the reply is a 500). */
  onError(err: unknown): void;
}

/** A listening metrics server. */
export interface MetricsServer {
  /** The port it listens on (the real one when 0 was asked). */
  readonly port: number;
  /** The bound interface. */
  readonly host: string;
  /** Stop listening and close idle keep-alive connections. */
  close(): Promise<void>;
}

/** Milliseconds close() lets a request in flight finish before dropping its connection. */
const CLOSE_GRACE_MS = 1000;

function reply(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function handle(o: MetricsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return reply(res, 405, 'method not allowed: use GET\n');
  }
  if (path === '/metrics') {
    try {
      return reply(res, 200, await o.registry.metrics(), o.registry.contentType);
    } catch (err) {
      o.onError(err);
      return reply(res, 500, 'metrics could not be collected (see the logs)\n');
    }
  }
  if (path === '/healthz') return reply(res, 200, 'ok\n');
  if (path === '/readyz') {
    const r = await o.readiness().catch((err: unknown) => ({ ready: false as const, reason: String(err) }));
    return r.ready ? reply(res, 200, 'ready\n') : reply(res, 503, `not ready: ${r.reason}\n`);
  }
  return reply(res, 404, 'not found: try /metrics, /healthz or /readyz\n');
}

/** Listen on `host:port`; rejects with a one-line error naming the address when it cannot (port in use...). */
export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  // imported here, not at the top: a bundle hoists a static import of a built-in to its start, and on Node >= 22
  // node:http's ESM facade loads undici (~20 ms of a cold start) even for a worker that serves no metrics
  const { createServer } = await import('node:http');
  const server: Server = createServer((req, res) => {
    handle(o, req, res).catch((err: unknown) => {
      o.onError(err);
      if (!res.headersSent) reply(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(`metrics: cannot listen on ${o.host}:${o.port}: ${err.code ?? err.message}`));
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    host: o.host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // a scrape still being answered gets a moment to finish, then its connection is dropped
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      }),
  };
}
