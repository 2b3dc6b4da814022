import { createServer, type Server, type Socket } from 'node:net';
import { queueListCommand } from '@sluice/cli';
import { startMetricsExporter } from '@sluice/worker/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli-helpers.js';

/**
 * A TCP server that speaks just enough RESP to pass for Redis 6.2.16: INFO answers with that version, HELLO is
 * refused as Redis 5 would (so the client falls back to RESP2), everything else answers +OK. It records commands.
 */
function fakeRedis62(): { server: Server; commands: string[][]; sockets: Set<Socket> } {
  const commands: string[][] = [];
  const sockets = new Set<Socket>();
  const answer = (sock: Socket, args: string[]) => {
    commands.push(args);
    const cmd = (args[0] ?? '').toUpperCase();
    if (cmd === 'INFO') {
      const body = '# Server\r\nredis_version:6.2.16\r\nredis_mode:standalone\r\n';
      sock.write(`$${Buffer.byteLength(body)}\r\n${body}\r\n`);
    } else sock.write('+OK\r\n');
  };
  const server = createServer((sock) => {
    let buf = '';
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const m = /^\*(\d+)\r\n/.exec(buf);
        if (!m) return;
        let at = m[0].length;
        const args: string[] = [];
        for (let i = 0; i < Number(m[1]); i++) {
          const h = /^\$(\d+)\r\n/.exec(buf.slice(at));
          if (!h) return;
          const start = at + h[0].length;
          const end = start + Number(h[1]);
          if (buf.length < end + 2) return;
          args.push(buf.slice(start, end));
          at = end + 2;
        }
        buf = buf.slice(at);
        answer(sock, args);
      }
    });
  });
  return { server, commands, sockets };
}

describe('operator commands on a server older than Redis 7.0', () => {
  const fake = fakeRedis62();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const addr = fake.server.address();
    url = `redis://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    for (const s of fake.sockets) s.destroy();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  it('a CLI command refuses it in one line, exit 2, before reading any key', async () => {
    const r = await run((io) => queueListCommand({ redis: url }, io));
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      'sluice: Redis 6.2.16 is too old: Sluice needs Redis >= 7.0 (or Valkey >= 7.2); upgrade the server',
    ]);
    expect(fake.commands.some((c) => ['SMEMBERS', 'SCAN', 'XINFO'].includes((c[0] ?? '').toUpperCase()))).toBe(false);
  });

  it('the standalone metrics exporter refuses it too', async () => {
    await expect(
      startMetricsExporter({ url, port: 0, host: '127.0.0.1', logger: { level: 'silent' } }),
    ).rejects.toThrow('Redis 6.2.16 is too old');
  });
});
