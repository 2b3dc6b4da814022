import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm;

/** Every module that `file` loads at run time (type-only imports are erased), transitively. */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (m[2]) continue;
    const spec = m[3] as string;
    if (!spec.startsWith('.')) {
      seen.add(spec);
      continue;
    }
    const next = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (seen.has(next)) continue;
    seen.add(next);
    runtimeImports(next, seen);
  }
  return seen;
}

describe('@sluice/worker/fetch', () => {
  it("loads no Node-only module, no Redis client and of other packages only core's pure redact entry (edge-safe)", () => {
    const external = [...runtimeImports(resolve(SRC, 'fetch.ts'))].filter((s) => !s.startsWith('/'));
    expect(external).toEqual(['@sluice/core/redact']);
    const redact = resolve(SRC, '../../core/src/redact.ts');
    expect([...runtimeImports(redact)]).toEqual([]);
  });

  it('the Web Crypto signer works on the global crypto (as on edge runtimes)', async () => {
    const { sign } = await import('../../fetch.js');
    expect(await sign('k', 1, 'd', 'b')).toMatch(/^v1=[0-9a-f]{64}$/);
  });
});
