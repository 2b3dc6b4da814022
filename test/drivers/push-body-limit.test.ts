/**
 * The push endpoint is public and reads the body before any check: a hostile client (a chunked body far over the
 * limit, or a huge declared Content-Length) gets 413 at once, the handler never runs, and the server reads at most
 * the limit plus what is already in flight (asserted on the bytes the server's socket read, not on timing).
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { defineJob } from '@sluice/core';
import { createFetchHandler, type FetchHandler, toNodeListener } from '@sluice/worker/fetch';
import { afterEach, describe, expect, it } from 'vitest';

const LIMIT = 256 * 1024;
const CHUNK = 64 * 1024;
/** Far more than the limit: a server that reads it all (the old behaviour) would read 32 times the limit. */
const HOSTILE_BYTES = 8 * 1024 * 1024;
/** What may be in flight past the limit when the server stops reading: socket and parser buffers. */
const SLACK = 512 * 1024;

interface Served {
  port: number;
  calls: () => number;
  /** Bytes read by the server's socket of the last connection, once it closed. */
  bytesRead: () => Promise<number>;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(): Promise<Served> {
  const silent = () => {};
  const log = { trace: silent, debug: silent, info: silent, warn: silent, error: silent, fatal: silent };
  const job = defineJob({ name: 'x', handler: () => undefined });
  const inner = createFetchHandler({ jobs: [job], secrets: 's', log, maxBodyBytes: LIMIT });
  let calls = 0;
  const count = (r: Request) => {
    calls++;
    return inner(r);
  };
  const counted: FetchHandler = Object.assign(count, { maxBodyBytes: LIMIT });
  const server = createServer(toNodeListener(counted));
  servers.push(server);
  let closed: Promise<number> = Promise.resolve(0);
  server.on('connection', (sock: Socket) => {
    closed = new Promise((resolve) => sock.on('close', () => resolve(sock.bytesRead)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, calls: () => calls, bytesRead: () => closed, server };
}

/** Send `head`, then up to `bodyBytes` of body (chunked framing when `chunked`), honouring backpressure; stop
 * when the response arrives or the socket closes. Resolves with the status line. */
function hostile(port: number, head: string, bodyBytes: number, chunked: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let response = '';
    let stopped = false;
    const stop = () => {
      stopped = true;
    };
    sock.on('data', (d) => {
      response += d.toString('latin1');
      stop();
    });
    sock.on('error', stop);
    sock.on('close', () => (response ? resolve(response.split('\r\n')[0] ?? '') : reject(new Error('no response'))));
    const piece = Buffer.alloc(CHUNK, 0x61);
    const frame = chunked
      ? Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
      : piece;
    sock.write(head);
    let sent = 0;
    const pump = () => {
      while (!stopped && sent < bodyBytes) {
        sent += CHUNK;
        if (!sock.write(frame)) return void sock.once('drain', pump);
      }
      if (!stopped && chunked) sock.write('0\r\n\r\n');
    };
    pump();
  });
}

describe('push endpoint: bounded body', () => {
  it('a chunked body over the limit: 413, the handler never runs, reading stops near the limit', async () => {
    const srv = await serve();
    const status = await hostile(
      srv.port,
      'POST /sluice HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      HOSTILE_BYTES,
      true,
    );
    expect(status).toBe('HTTP/1.1 413 Payload Too Large');
    expect(srv.calls()).toBe(0);
    const read = await srv.bytesRead();
    expect(read).toBeGreaterThan(LIMIT);
    expect(read).toBeLessThan(LIMIT + SLACK);
  });

  it('a declared Content-Length over the limit: 413 before any of the body is read', async () => {
    const srv = await serve();
    const head = `POST /sluice HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n`;
    const status = await hostile(srv.port, head, HOSTILE_BYTES, false);
    expect(status).toBe('HTTP/1.1 413 Payload Too Large');
    expect(srv.calls()).toBe(0);
    expect(await srv.bytesRead()).toBeLessThan(SLACK);
  });

  it('a body within the limit still reaches the handler (401 here: it is not signed)', async () => {
    const srv = await serve();
    const res = await fetch(`http://127.0.0.1:${srv.port}/sluice`, { method: 'POST', body: 'x'.repeat(LIMIT) });
    expect(res.status).toBe(401);
    expect(srv.calls()).toBe(1);
  });
});
