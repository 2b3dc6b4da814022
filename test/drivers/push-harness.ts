/** Set-up of the push tests: a handler server on 127.0.0.1 (tracked), dispatchers, signed raw requests. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AnyJob, defineJob } from '@sluice/core';
import { createPushDispatcher, type PushDispatcherOptions, type Worker } from '@sluice/worker';
import { createFetchHandler, type FetchHandlerOptions, sign, toNodeListener } from '@sluice/worker/fetch';
import { track } from '../helpers.js';
import { startTracked, testKnobs } from '../worker/harness.js';

/** A running handler server. */
export interface HandlerServer {
  url: string;
  server: Server;
  /** Serve a handler built from `opts` from now on (e.g. the deployment's secrets were fixed). */
  replace(opts: Omit<FetchHandlerOptions, 'log'>): void;
  close(): Promise<void>;
}

/** Serve createFetchHandler(opts) through the Node adapter on 127.0.0.1, port 0; tracked by the leak guard. */
export async function handlerServer(opts: Omit<FetchHandlerOptions, 'log'>): Promise<HandlerServer> {
  const silent = () => {};
  const log = { trace: silent, debug: silent, info: silent, warn: silent, error: silent, fatal: silent };
  let listener = toNodeListener(createFetchHandler({ log, ...opts }));
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let open = true;
  const close = () =>
    new Promise<void>((resolve) => {
      open = false;
      server.closeAllConnections();
      server.close(() => resolve());
    });
  track({ label: `handler server :${port}`, isOpen: () => open, forceClose: close });
  const replace = (o: Omit<FetchHandlerOptions, 'log'>) => {
    listener = toNodeListener(createFetchHandler({ log, ...o }));
  };
  return { url: `http://127.0.0.1:${port}/sluice`, server, replace, close };
}

/** Start a dispatcher (lease 500 ms, block 1 s, grace 1 s), tracked by the leak guard. */
export async function startDispatcher(
  prefix: string,
  opts: Omit<PushDispatcherOptions, 'url' | 'prefix'>,
): Promise<Worker> {
  return startTracked(await createPushDispatcher({ ...testKnobs(), prefix, ...opts }), 'dispatcher');
}

/** POST a body signed as told (defaults: now, a fresh delivery id). */
export async function signedPost(
  url: string,
  body: string,
  o: { secret: string; ts?: number; id?: string; signature?: string },
): Promise<Response> {
  const ts = o.ts ?? Math.floor(Date.now() / 1000);
  const id = o.id ?? `job1:1:${Math.random().toString(16).slice(2)}`;
  const signature = o.signature ?? (await sign(o.secret, ts, id, body));
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'sluice-signature': signature,
      'sluice-timestamp': String(ts),
      'sluice-delivery': id,
    },
    body,
  });
}

/** A job whose runs are recorded: `calls` holds `{ payload, attempt, jobId }` of each run. */
export function recordingJob<P>(
  name: string,
  run: (p: P, attempt: number, signal: AbortSignal) => unknown = () => undefined,
  extra: Partial<Pick<AnyJob, 'timeout'>> = {},
) {
  const calls: { payload: P; attempt: number; jobId: string }[] = [];
  const job = defineJob({
    name,
    ...extra,
    handler: async (p: P, ctx) => {
      calls.push({ payload: p, attempt: ctx.attempt, jobId: ctx.jobId });
      await run(p, ctx.attempt, ctx.signal);
    },
  });
  return { job, calls };
}
