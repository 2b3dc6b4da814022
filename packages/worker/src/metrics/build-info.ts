/** `sluice_build_info{version}`: the version of @sluice/worker, read once from its package.json. */
import { Gauge } from 'prom-client';
import { workerVersion } from '../registry/version.js';
import type { AnyRegistry } from './catalog.js';
import { BUILD_INFO } from './names.js';

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
