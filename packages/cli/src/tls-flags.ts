/**
 * The global flags beside `--redis` that shape the connection and its limits: TLS files (`--tls-ca`,
 * `--tls-cert`, `--tls-key`, or `SLUICE_TLS_CA`, `SLUICE_TLS_CERT`, `SLUICE_TLS_KEY`) and `--max-payload-bytes`
 * (or `SLUICE_MAX_PAYLOAD_BYTES`), the one payload limit producers and workers share.
 */
import { readFileSync } from 'node:fs';
import type { TlsOptions } from '@sluice/core';
import { usageError } from './errors.js';
import { parseCount } from './parse.js';

/** The flags (paths and a byte count, as typed) read here. */
export interface SecurityFlags {
  /** PEM file of the CA(s) to trust (default `SLUICE_TLS_CA`; unset = the system CAs). */
  tlsCa?: string | undefined;
  /** PEM file of the client certificate (default `SLUICE_TLS_CERT`; unset = none). */
  tlsCert?: string | undefined;
  /** PEM file of the client key (default `SLUICE_TLS_KEY`; unset = none). */
  tlsKey?: string | undefined;
  /** Largest JSON payload in bytes (default `SLUICE_MAX_PAYLOAD_BYTES`, then 1 MiB). */
  maxPayloadBytes?: string | number | undefined;
  /** Environment to read the defaults from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

const given = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

function readPem(path: string, flag: string, envName: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw usageError(
      `${flag} (or ${envName}) expects a readable PEM file; cannot read ${JSON.stringify(path)} (${code})`,
    );
  }
}

/** The TLS options of the flags or the environment, or undefined when none is given. Files are read here. */
export function resolveTls(opts: SecurityFlags = {}): TlsOptions | undefined {
  const env = opts.env ?? process.env;
  const ca = given(opts.tlsCa) ?? given(env.SLUICE_TLS_CA);
  const cert = given(opts.tlsCert) ?? given(env.SLUICE_TLS_CERT);
  const key = given(opts.tlsKey) ?? given(env.SLUICE_TLS_KEY);
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw usageError('--tls-cert and --tls-key go together: give both files of the client certificate, or neither');
  }
  return {
    ...(ca === undefined ? {} : { ca: readPem(ca, '--tls-ca', 'SLUICE_TLS_CA') }),
    ...(cert === undefined ? {} : { cert: readPem(cert, '--tls-cert', 'SLUICE_TLS_CERT') }),
    ...(key === undefined ? {} : { key: readPem(key, '--tls-key', 'SLUICE_TLS_KEY') }),
  };
}

/** `--max-payload-bytes` or `SLUICE_MAX_PAYLOAD_BYTES`, or undefined for the default (1 MiB). */
export function resolveMaxPayload(opts: SecurityFlags = {}): number | undefined {
  const env = opts.env ?? process.env;
  const raw = opts.maxPayloadBytes ?? given(env.SLUICE_MAX_PAYLOAD_BYTES);
  return raw === undefined ? undefined : parseCount(raw, '--max-payload-bytes (or SLUICE_MAX_PAYLOAD_BYTES)', 1);
}

/** The options a producer or a worker takes from these flags (absent keys for the defaults). */
export function securityOptions(opts: SecurityFlags): { tls?: TlsOptions; maxPayloadBytes?: number } {
  const tls = resolveTls(opts);
  const maxPayloadBytes = resolveMaxPayload(opts);
  return { ...(tls ? { tls } : {}), ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }) };
}
