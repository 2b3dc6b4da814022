import { fileURLToPath } from 'node:url';
import { defineConfig, defineProject } from 'vitest/config';

/**
 * SLUICE_VENDORED_REDIS=1 (after `pnpm build`): core's sources import the @redis/client copy core ships
 * (packages/core/dist/vendor/redis-client.js, with its lean command table: scripts/lean-redis-commands.mjs) instead of
 * node_modules' one, so the whole suite runs the clients Sluice creates on what users run. Tests' own clients keep
 * node_modules' @redis/client. Default off: the suite needs no build step.
 */
const vendoredRedis =
  process.env.SLUICE_VENDORED_REDIS === '1'
    ? [
        {
          name: 'sluice-vendored-redis',
          enforce: 'pre' as const,
          resolveId(id: string, importer: string | undefined) {
            if (id !== '@redis/client' || !importer || !/[/\\]packages[/\\]core[/\\]src[/\\]/.test(importer))
              return null;
            if (importer.endsWith('.test.ts')) return null;
            return fileURLToPath(new URL('./packages/core/dist/vendor/redis-client.js', import.meta.url));
          },
        },
      ]
    : [];

/** Resolve workspace packages to their TypeScript sources, so tests need no build step. */
const sourceConditions = { ssr: { resolve: { conditions: ['@sluice/source'] } }, plugins: vendoredRedis };

const unit = (name: string) =>
  defineProject({
    ...sourceConditions,
    test: { name, root: `./packages/${name}`, include: ['src/**/*.test.ts'], typecheck: { enabled: false } },
  });

export default defineConfig({
  test: {
    // Most test files wait on Redis and child processes, not the CPU: three at a time on 2 cores halves the suite's
    // wall time (vitest's default on 2 cores is one file at a time). The fault suite runs two at a time (package.json):
    // its checks depend on no timing (rate limits and order are read from the server's log, test/flow/grants.ts), so
    // another file loading the cores only slows it down.
    maxWorkers: 3,
    globalSetup: [fileURLToPath(new URL('./test/redis-global-setup.ts', import.meta.url))],
    projects: [
      unit('core'),
      unit('worker'),
      unit('cli'),
      unit('dashboard'),
      defineProject({
        test: { name: 'dashboard-ui', root: './packages/dashboard/ui', include: ['src/**/*.test.ts'] },
      }),
      defineProject({
        ...sourceConditions,
        test: {
          name: 'integration',
          root: './test',
          include: ['**/*.test.ts'],
          exclude: ['faults/**', 'cluster/**', 'node_modules/**'],
          // Generous on purpose: a test that spawns processes takes seconds more when other work loads the cores.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: '../tsconfig.check.json' },
        },
      }),
      // The fault suite (test/faults) runs only through `pnpm test:faults`, which sets SLUICE_FAULTS=1.
      ...(process.env.SLUICE_FAULTS === '1'
        ? [
            defineProject({
              ...sourceConditions,
              test: {
                name: 'faults',
                root: './test',
                include: ['faults/**/*.test.ts'],
                testTimeout: process.env.FAULT_FULL === '1' ? 900_000 : 120_000,
                hookTimeout: 60_000,
              },
            }),
          ]
        : []),
      defineProject({
        ...sourceConditions,
        test: {
          name: 'cluster',
          root: './test',
          include: ['cluster/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      }),
    ],
  },
});
