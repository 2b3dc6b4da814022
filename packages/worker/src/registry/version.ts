/** The version of @sluice/worker (for `sluice_build_info` and worker records). */

/** Set by scripts/bundle-dist.mjs (esbuild `define`) in the shipped bundle; undefined when run from the sources. */
declare const SLUICE_WORKER_VERSION: string | undefined;

let cached: string | undefined;

/**
 * The version in @sluice/worker's package.json: built into the shipped bundle, so it stays right when an
 * application bundles the worker; read from package.json when run from the sources ('unknown' if that fails).
 * node:fs comes from `process.getBuiltinModule` rather than an `import`, whose ES-module facade of node:fs would
 * load its stream classes at every start (~2 ms of CPU on Node 20; docs/decisions.md, "Cold start").
 */
export function workerVersion(): string {
  if (cached !== undefined) return cached;
  if (typeof SLUICE_WORKER_VERSION === 'string') {
    cached = SLUICE_WORKER_VERSION;
    return cached;
  }
  try {
    const text = process
      .getBuiltinModule('node:fs')
      .readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const pkg = JSON.parse(text) as { name?: string; version?: string };
    cached = pkg.name === '@sluice/worker' && pkg.version ? pkg.version : 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
