/**
 * TLS options against a real `redis-server --tls-port` that requires client certificates, with a CA and a client
 * certificate made by openssl for this test: createSluice, createWorker and drain connect with `tls`, the CLI with
 * `--tls-*` flags and the SLUICE_TLS_* variables; without the CA or the client certificate the connect fails.
 */
import { runCli } from '@sluice/cli';
import { createSluice, defineJob } from '@sluice/core';
import { createPushDispatcher, createWorker, drain } from '@sluice/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, spawnSluice } from '../cli/cli-helpers.js';
import { handlerServer, recordingJob } from '../drivers/push-harness.js';
import { uniquePrefix, waitFor } from '../helpers.js';
import { startTracked } from '../worker/harness.js';
import { startTlsRedis, type TlsRedis } from './tls-server.js';

let redis: TlsRedis;
beforeAll(async () => {
  redis = await startTlsRedis();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

const tls = () => ({ ca: redis.certs.ca, cert: redis.certs.cert, key: redis.certs.key });

describe('TLS to Redis', () => {
  it('createSluice, createWorker, drain and the push dispatcher connect with a private CA and a client certificate', async () => {
    const prefix = uniquePrefix();
    const s = await createSluice({ url: redis.tlsUrl, prefix, tls: tls() });
    const ran: string[] = [];
    const job = defineJob({ name: 'secure', handler: (_p: object, ctx) => void ran.push(ctx.jobId) });
    const a = await s.enqueue(job, {});
    const w = await startTracked(
      await createWorker({
        url: redis.tlsUrl,
        prefix,
        jobs: [job],
        tls: tls(),
        blockMs: 500,
        logger: { level: 'silent' },
      }),
    );
    await waitFor(() => ran.length === 1, 'the job to run over TLS');
    await w.stop();
    const b = await s.enqueue(job, {});
    const r = await drain({
      url: redis.tlsUrl,
      prefix,
      jobs: [job],
      budgetMs: 5000,
      tls: tls(),
      logger: { level: 'silent' },
    });
    expect(r).toMatchObject({ processed: 1, succeeded: 1 });
    expect(ran).toEqual([a.id, b.id]);

    const pushed = recordingJob<object>('pushed');
    const srv = await handlerServer({ jobs: [pushed.job], secrets: 'k' });
    const d = await startTracked(
      await createPushDispatcher({
        url: redis.tlsUrl,
        prefix,
        tls: tls(),
        to: srv.url,
        secrets: 'k',
        queues: ['pushed'],
        blockMs: 500,
        logger: { level: 'silent' },
      }),
    );
    await s.enqueue('pushed', {});
    await waitFor(() => pushed.calls.length === 1, 'the push dispatcher to read over TLS');
    await d.stop();
    await srv.close();
    await s.close();
  });

  it('servername checks the certificate against another name', async () => {
    const s = await createSluice({
      url: redis.tlsUrl,
      prefix: uniquePrefix(),
      tls: { ...tls(), servername: 'localhost' },
    });
    await s.close();
    await expect(
      createSluice({ url: redis.tlsUrl, connectTimeout: 2000, tls: { ...tls(), servername: 'not-this-host' } }),
    ).rejects.toThrow(/cannot connect to Redis at rediss:\/\/127\.0\.0\.1:\d+: .*not-this-host/);
  });

  it('fails to connect without the CA, or without the client certificate', async () => {
    await expect(createSluice({ url: redis.tlsUrl, connectTimeout: 2000 })).rejects.toThrow(
      /cannot connect to Redis at rediss:.*(self-signed|unable to verify|self signed)/i,
    );
    await expect(
      createSluice({ url: redis.tlsUrl, connectTimeout: 2000, tls: { ca: redis.certs.ca } }),
    ).rejects.toThrow(/cannot connect to Redis at rediss:/);
  });

  it('refuses tls options with a redis:// URL', async () => {
    await expect(createSluice({ url: redis.url, tls: tls() })).rejects.toThrow(
      /tls options need a rediss:\/\/ URL; got redis:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('the CLI connects with --tls-ca, --tls-cert and --tls-key', async () => {
    const c = redis.certs;
    const r = await run((io) =>
      runCli(
        [
          'queue',
          'list',
          '--json',
          '--redis',
          redis.tlsUrl,
          '--tls-ca',
          c.caFile,
          '--tls-cert',
          c.certFile,
          '--tls-key',
          c.keyFile,
        ],
        { io },
      ),
    );
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.join('\n'))).toEqual(expect.any(Array));
    const half = await run((io) =>
      runCli(['queue', 'list', '--redis', redis.tlsUrl, '--tls-cert', c.certFile], { io }),
    );
    expect(half.stderr).toEqual([
      'sluice: --tls-cert and --tls-key go together: give both files of the client certificate, or neither',
    ]);
    const plain = await run((io) => runCli(['queue', 'list', '--redis', redis.url, '--tls-ca', c.caFile], { io }));
    expect(plain.code).toBe(2);
    expect(plain.stderr[0]).toMatch(/--tls-ca, --tls-cert and --tls-key need a rediss:\/\/ URL/);
  });

  it('the sluice process takes SLUICE_TLS_CA, SLUICE_TLS_CERT and SLUICE_TLS_KEY', async () => {
    const c = redis.certs;
    const r = await spawnSluice(['queue', 'list', '--json'], {
      env: {
        SLUICE_REDIS_URL: redis.tlsUrl,
        SLUICE_TLS_CA: c.caFile,
        SLUICE_TLS_CERT: c.certFile,
        SLUICE_TLS_KEY: c.keyFile,
      },
      timeoutMs: 15_000,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
