#!/usr/bin/env node
// The installed `sluice` command. A checked-in file (not dist/bin.js itself) so that `pnpm install` in a fresh
// clone can link it before anything is built; it loads the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'sluice: the CLI is not built (no dist/bin.js): run `pnpm build`, or `pnpm sluice` in the repository\n',
  );
  process.exit(2);
}
await import(entry.href);
