/**
 * A private `redis-server` with a TLS port that requires client certificates, and the certificates for it made
 * with openssl: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate. Stopped by pid.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, retryOnEarlyExit, type StartedRedis, startRedisServer } from '../redis-server.js';

/** PEM files (paths) and their contents. */
export interface TestCerts {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A leaf certificate `name` signed by the CA in `dir`, with the given extensions. */
function leaf(dir: string, name: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, 'req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=sluice-test-${name}`);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  );
}

/** Make a CA, a server certificate (127.0.0.1, localhost) and a client certificate in a new temp dir. */
export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
  openssl(
    dir,
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=sluice-test-ca',
  );
  leaf(dir, 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf(dir, 'client', 'extendedKeyUsage=clientAuth\n');
  const f = (n: string) => join(dir, n);
  return {
    dir,
    caFile: f('ca.crt'),
    certFile: f('client.crt'),
    keyFile: f('client.key'),
    ca: readFileSync(f('ca.crt')),
    cert: readFileSync(f('client.crt')),
    key: readFileSync(f('client.key')),
  };
}

/** A running TLS Redis: `tlsUrl` (rediss://127.0.0.1:port) needs the CA and a client certificate. */
export interface TlsRedis extends StartedRedis {
  tlsUrl: string;
  certs: TestCerts;
}

/** Start redis-server with `--tls-port` (client certificates required) beside its plain loopback port. */
export async function startTlsRedis(): Promise<TlsRedis> {
  const certs = makeCerts();
  const f = (n: string) => join(certs.dir, n);
  // both ports are chosen here, so a start that lost either to another process goes again on two new ones
  let tlsPort = 0;
  const started = await retryOnEarlyExit(async () => {
    tlsPort = await freePort();
    return startTlsOnce(tlsPort, f);
  });
  return {
    ...started,
    tlsUrl: `rediss://127.0.0.1:${tlsPort}`,
    certs,
    stop: async () => {
      await started.stop();
      rmSync(certs.dir, { recursive: true, force: true });
    },
  };
}

/** One start of the TLS server on `tlsPort` beside a plain port (no retry of its own). */
function startTlsOnce(tlsPort: number, f: (name: string) => string): Promise<StartedRedis> {
  return startRedisServer(
    {
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        f('server.crt'),
        '--tls-key-file',
        f('server.key'),
        '--tls-ca-cert-file',
        f('ca.crt'),
        '--tls-auth-clients',
        'yes',
      ],
    },
    false,
  );
}
