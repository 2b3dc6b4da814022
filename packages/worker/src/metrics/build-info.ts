/** `sluice_build_info{version}`: the version of @sluice/worker, read once from its package.json. */
import { readFileSync } from 'node:fs';
import { Gauge } from 'prom-client';
import type { AnyRegistry } from './catalog.js';
import { BUILD_INFO } from './names.js';

/**
 * The version in @sluice/worker's package.json ('unknown' when it cannot be read, e.g. bundled into an app).
 * Both src/metrics/ and dist/bundle/ sit two folders below the package root.
 */
export function workerVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      name?: string;
      version?: string;
    };
    return pkg.name === '@sluice/worker' && pkg.version ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Register `sluice_build_info{version}` = 1 on `registry`. */
export function registerBuildInfo(registry: AnyRegistry, version = workerVersion()): void {
  const g = new Gauge({
    name: BUILD_INFO[0],
    help: BUILD_INFO[1],
    labelNames: ['version'] as const,
    registers: [registry],
  });
  g.set({ version }, 1);
}
