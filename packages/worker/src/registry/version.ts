/** The version of @sluice/worker, read once from its package.json (for `sluice_build_info` and worker records). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The version in @sluice/worker's package.json ('unknown' when it cannot be read, e.g. bundled into an app).
 * This file (src/registry/) and the bundles (dist/bundle/) both sit two folders below the package root.
 */
export function workerVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      name?: string;
      version?: string;
    };
    cached = pkg.name === '@sluice/worker' && pkg.version ? pkg.version : 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
