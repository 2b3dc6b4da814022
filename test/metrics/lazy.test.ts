/** A worker without metrics never loads prom-client (nor the metrics module); with metrics it does. */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/cli-helpers.js';

const tsx = pathToFileURL(createRequire(`${ROOT}package.json`).resolve('tsx')).href;

/** In a fresh process: create a worker (metrics on or off) and say whether prom-client was loaded. */
function promClientLoaded(metrics: boolean): boolean {
  const script = `
    import { createRequire } from 'node:module';
    import { defineJob } from '@sluice/core';
    import { createWorker } from '@sluice/worker';
    const job = defineJob({ name: 'lazy', handler: () => {} });
    await createWorker({ jobs: [job], logger: { level: 'silent' }${metrics ? ", metrics: { port: 0, host: '127.0.0.1' }" : ''} });
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('prom-client'));
    console.log(JSON.stringify({ loaded }));`;
  const out = execFileSync(
    process.execPath,
    ['--conditions=@sluice/source', '--import', tsx, '--input-type=module', '-e', script],
    { cwd: `${ROOT}test`, encoding: 'utf8', timeout: 20_000 },
  );
  return (JSON.parse(out.trim().split('\n').at(-1) as string) as { loaded: boolean }).loaded;
}

describe('metrics are loaded only when asked for', () => {
  it('prom-client is not loaded by a worker without metrics, and is with them', () => {
    expect(promClientLoaded(false)).toBe(false);
    expect(promClientLoaded(true)).toBe(true);
  });
});
