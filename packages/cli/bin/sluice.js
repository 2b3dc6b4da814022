#!/usr/bin/env node
// The installed `sluice` command. A checked-in file (not dist/bin.js itself) so that `pnpm install` in a fresh
// clone can link it before anything is built; it loads the built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node >= 22.1: keep V8's compiled code of every module loaded from here on (the CLI, Sluice, @redis/client) on
// disk, so later starts skip most compiling (docs/decisions.md). The directory is os.tmpdir()/node-compile-cache
// unless NODE_COMPILE_CACHE says otherwise; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Older Node: no such API.
module.enableCompileCache?.();

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'sluice: the CLI is not built (no dist/bin.js): run `pnpm build`, or `pnpm sluice` in the repository\n',
  );
  process.exit(2);
}
await import(entry.href);
