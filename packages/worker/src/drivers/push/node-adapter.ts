/**
 * Node adapter of a fetch handler, for `node:http` and Express: turns the IncomingMessage into a web Request
 * (exact body bytes, a signal aborted when the client goes away) and writes the Response back. Only type imports
 * from node:http. With Express, mount it before any body parser (or behind `express.raw()`): the signature covers
 * the exact bytes, which a JSON parser would consume. The endpoint is public and this runs before any check: a
 * body over the handler's `maxBodyBytes` is answered 413 at once (a declared length before a byte is read, a
 * streamed one at the chunk that crosses the limit) and the handler never runs. The response body is streamed
 * (the dashboard's server-sent events use the same adapter).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { concatChunks, declaredOver, maxBodyFor } from './bounded-body.js';
import { type FetchHandler, tooLarge } from './fetch-handler.js';

/** A `(req, res)` listener for `http.createServer` or an Express route. */
export type NodeListener = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => void;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Largest body read, in bytes (default: the handler's `maxBodyBytes`, else 1 MiB + 64 KiB). */
  maxBodyBytes?: number;
}

/**
 * The body of `req` when it is at most `max` bytes, else undefined: reading stops (the request is paused) at the
 * chunk that crosses the limit, so at most `max` bytes plus one chunk were ever held.
 */
export function readNodeBody(
  req: IncomingMessage & { body?: unknown },
  max: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (req.body instanceof Uint8Array) {
    return Promise.resolve(req.body.length > max ? undefined : new Uint8Array(req.body));
  }
  if (declaredOver(req.headers['content-length'], max)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      req.pause();
    };
    const onData = (c: Buffer | string) => {
      const chunk = typeof c === 'string' ? new TextEncoder().encode(c) : c;
      size += chunk.length;
      if (size > max) {
        done();
        resolve(undefined);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(concatChunks(chunks, size));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onClose = () => onError(new Error('the client closed the connection before the body ended'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * Write `response` to `res`, streaming its body chunk by chunk (so a long response such as server-sent events
 * reaches the client as it is produced), waiting for `drain` when the socket is full; a closed connection cancels
 * the body.
 */
async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => {
    res.setHeader(key, value);
  });
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  res.on('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await new Promise((ok) => res.once('drain', ok).once('close', ok));
    }
  } finally {
    res.off('close', cancel);
    res.end();
  }
}

/** Serve `handler` on node:http / Express. Errors reading the request answer 500 (the sender retries). */
export function toNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): NodeListener {
  const max = options.maxBodyBytes ?? handler.maxBodyBytes ?? maxBodyFor();
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
        let body: Uint8Array<ArrayBuffer> | undefined;
        if (method !== 'GET' && method !== 'HEAD') {
          body = await readNodeBody(req, max);
          if (!body) return void (await send(res, tooLarge(max)));
        }
        const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
          method,
          headers,
          body,
          signal: ctrl.signal,
        });
        await send(res, await handler(request));
      } catch (err) {
        if (res.headersSent) return void res.destroy(err as Error);
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: `could not handle the request: ${(err as Error).message}` }));
      }
    })();
  };
}
