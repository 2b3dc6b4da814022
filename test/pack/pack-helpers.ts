/**
 * Helpers of the pack test: run a command to its end within a time bound, build and pack the published packages,
 * install the tarballs into an app folder with plain npm, and read what an installed package ships.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The packages a user installs, by folder under packages/. */
export const PACKAGES = ['core', 'worker', 'dashboard', 'cli'] as const;

/**
 * The environment for npm and the app's processes: without the npm_* variables pnpm sets for its scripts (npm would
 * read them as its own config) and without a Redis URL, so every command names its Redis with `--redis`.
 */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(npm_|pnpm_)/i.test(k) || /^(SLUICE_)?REDIS_URL$/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

/** Run `cmd args` in `cwd` to its end; killed (by its pid) after `timeoutMs`. Rejects with its stderr on failure. */
export function runTo(
  cmd: string,
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string>; timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env ?? cleanEnv(), timeout: opts.timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const why = err.killed ? `killed after ${opts.timeoutMs} ms` : `exit ${String(err.code)}`;
        reject(new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd}) failed, ${why}:\n${stderr}${stdout}`));
      },
    );
  });
}

/** `pnpm pack` of every package into `dest`; returns the tarball paths in {@link PACKAGES} order. */
export async function packAll(dest: string): Promise<string[]> {
  const packed = await Promise.all(
    PACKAGES.map((p) =>
      runTo('pnpm', ['pack', '--json', '--pack-destination', dest], {
        cwd: join(ROOT, 'packages', p),
        timeoutMs: 60_000,
      }),
    ),
  );
  return packed.map((out) => (JSON.parse(out) as { filename: string }).filename);
}

/** A package manifest, as far as these checks read it. */
export interface Manifest {
  name: string;
  bin?: Record<string, string>;
  exports?: Record<string, Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The manifest and every file (relative path) of an installed package. */
export function installed(app: string, name: string): { manifest: Manifest; files: string[] } {
  const dir = join(app, 'node_modules', name);
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
  return { manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest, files };
}

/** Files the manifest points at (bin, every export condition except the repository's own `@sluice/source`). */
export function pointedAt(m: Manifest): string[] {
  const targets = [
    ...Object.values(m.bin ?? {}),
    ...Object.values(m.exports ?? {}).flatMap((conds) =>
      Object.entries(conds)
        .filter(([cond]) => cond !== '@sluice/source')
        .map(([, target]) => target),
    ),
  ];
  return targets.map((t) => t.replace(/^\.\//, ''));
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*/;
/** `from 'x'`, `import('x')`, `require('x')` and `createRequire(...)('x')` of a bare specifier. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\d*\s*\(\s*|\)\(\s*)["']([^"'\s./][^"'\s]*)["']/g;

/**
 * Packages the shipped JavaScript and declaration files import that are neither Node built-ins, the package itself
 * nor declared (`dependencies` or `peerDependencies`): each would fail at run time or in the user's type check.
 */
export function undeclaredImports(app: string, name: string): string[] {
  const { manifest, files } = installed(app, name);
  const declared = new Set([name, ...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })]);
  const found = new Set<string>();
  // dist/vendor/ holds a dependency bundled in whole (core's @redis/client, scripts/bundle-dist.mjs): its text names
  // its own optional peers, dev dependencies and examples; the package imports it by relative path.
  for (const f of files.filter((f) => /\.(js|d\.ts)$/.test(f) && !f.startsWith('dist/vendor/'))) {
    const text = readFileSync(join(app, 'node_modules', name, f), 'utf8');
    for (const [, spec = ''] of text.matchAll(SPECIFIER)) {
      const pkg = PACKAGE_NAME.exec(spec)?.[0];
      if (!pkg || spec.startsWith('node:') || builtinModules.includes(spec) || declared.has(pkg)) continue;
      found.add(`${pkg} (${f})`);
    }
  }
  return [...found];
}
