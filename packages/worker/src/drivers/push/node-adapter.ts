/**
 * Node adapter of a fetch handler, for `node:http` and Express: turns the IncomingMessage into a web Request
 * (exact body bytes, a signal aborted when the client goes away) and writes the Response back. Only type imports
 * from node:http. With Express, mount it before any body parser (or behind `express.raw()`): the signature covers
 * the exact bytes, which a JSON parser would consume.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchHandler } from './fetch-handler.js';

/** A `(req, res)` listener for `http.createServer` or an Express route. */
export type NodeListener = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => void;

async function readBody(req: IncomingMessage & { body?: unknown }): Promise<Uint8Array<ArrayBuffer>> {
  if (req.body instanceof Uint8Array) return new Uint8Array(req.body);
  const chunks: Uint8Array[] = [];
  for await (const c of req) chunks.push(typeof c === 'string' ? new TextEncoder().encode(c) : (c as Uint8Array));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Serve `handler` on node:http / Express. Errors reading the request answer 500 (the sender retries). */
export function toNodeListener(handler: FetchHandler): NodeListener {
  return (req, res) => {
    const ctrl = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ctrl.abort(new Error('the client closed the connection'));
    });
    void (async () => {
      try {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        }
        const method = req.method ?? 'GET';
        const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
        const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
          method,
          headers,
          body,
          signal: ctrl.signal,
        });
        const response = await handler(request);
        res.statusCode = response.status;
        response.headers.forEach((value, key) => {
          res.setHeader(key, value);
        });
        res.end(new Uint8Array(await response.arrayBuffer()));
      } catch (err) {
        if (res.headersSent) return void res.destroy(err as Error);
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: `could not handle the request: ${(err as Error).message}` }));
      }
    })();
  };
}
