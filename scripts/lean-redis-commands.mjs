// An esbuild plugin for core's vendored copy of @redis/client (scripts/bundle-dist.mjs): the client's command
// table (dist/lib/commands/index.js, ~450 command modules required and evaluated at import, then one prototype
// method each per client, multi and cluster class built by `attachConfig`) is replaced by a table of only the
// commands the library sends through it by itself. Sluice sends every command of its own through `sendCommand`
// (core's RedisExecutor, kept.ts, the cancel watch) and never calls a per-command method on a client it creates;
// sharded pub/sub (`sSubscribe`/`sUnsubscribe`) are methods of the client class itself, not of the table.
// Applications' own clients (`client:` option) come from their own @redis/client and keep every method.
// Guarded twice: the build fails if the client's sources name a table entry the lean table lacks
// (`commands_1.default.X`), and test/core/vendored-client.test.ts connects lean clients (password, name, RESP2 and
// RESP3, Redis Cluster) and fails on a missing method. docs/decisions.md, "Cold start".
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { exactEdits } from './vendor-edits.mjs';

/**
 * Command modules the client library runs through its table: the connect handshake in client/index.js
 * (`commands_1.default.AUTH`, `.CLIENT_SETNAME`, `.READONLY`; HELLO it requires directly) and cluster slot
 * discovery (`client.clusterSlots()` in cluster/cluster-slots.js).
 */
export const LEAN_COMMANDS = ['AUTH', 'CLIENT_SETNAME', 'READONLY', 'CLUSTER_SLOTS'];

const NAMESPACE = 'lean-redis-commands';

/**
 * Where each name core imports from @redis/client is defined ([file under the package, export, property, lazy]):
 * the vendored copy starts from these modules, not the package's index, which also loads the sentinel, the client
 * pool, GEO constants and the OpenTelemetry set-up (none of which a client or cluster needs to run). A lazy function
 * export loads its module on first call: the cluster's modules (slot map, routing policies, ~90 KB) only when a
 * cluster is created (`cluster:`), ~1 ms of CPU of every other start (docs/decisions.md, "Cold start").
 */
export const REDIS_CLIENT_EXPORTS = {
  RedisClient: ['dist/lib/client/index.js', 'default'],
  createCluster: ['dist/lib/cluster/index.js', 'default', 'create', 'lazy'],
  ErrorReply: ['dist/lib/errors.js', 'ErrorReply'],
};

/** The vendored copy's entry: `names` (what core imports) re-exported from their own modules. */
export function leanEntrySource(names) {
  const lines = names.map((name, i) => {
    const where = REDIS_CLIENT_EXPORTS[name];
    if (!where) throw new Error(`lean-redis-commands: add "${name}" (imported by core) to REDIS_CLIENT_EXPORTS`);
    const [file, exported, prop, lazy] = where;
    const path = `'@redis/client/${file}'`;
    if (lazy) return `export const ${name} = (...args) => require(${path}).${exported}.${prop}(...args);`;
    return `import { ${exported} as m${i} } from ${path};\nexport const ${name} = m${i}${prop ? `.${prop}` : ''};`;
  });
  return lines.join('\n');
}

/** True for a file of @redis/client's compiled library (the importer whose `../commands` is replaced). */
function inRedisClient(file) {
  return file.includes(`${sep}@redis${sep}client${sep}dist${sep}`);
}

/** Every .js file of @redis/client's dist/lib outside the command modules (what may name a table entry). */
function libFiles(lib) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (p !== join(lib, 'commands')) walk(p);
      } else if (e.name.endsWith('.js')) out.push(p);
    }
  };
  walk(lib);
  return out;
}

/** The source of the lean table: `default` (and `NON_STICKY_COMMANDS`) with both names of each kept command. */
export function leanIndexSource(indexFile, keep = LEAN_COMMANDS) {
  const text = readFileSync(indexFile, 'utf8');
  const moduleOf = new Map(
    [...text.matchAll(/const (\w+_1) = __importDefault\(require\("\.\/(\w+)"\)\);/g)].map(([, v, m]) => [v, m]),
  );
  const entries = [...text.matchAll(/^\s+(\w+): (\w+_1)\.default,?$/gm)]
    .map(([, key, v]) => [key, moduleOf.get(v)])
    .filter(([, m]) => keep.includes(m));
  for (const m of keep)
    if (entries.filter(([, e]) => e === m).length < 2)
      throw new Error(`lean-redis-commands: ${indexFile} has no table entries for ${m} (a new @redis/client layout?)`);
  // the client library must name no entry of the table the lean one lacks
  const kept = new Set(entries.map(([key]) => key));
  for (const f of libFiles(dirname(dirname(indexFile))))
    for (const [, key] of readFileSync(f, 'utf8').matchAll(/\bcommands_1\.default\.(\w+)/g))
      if (!kept.has(key))
        throw new Error(`lean-redis-commands: ${f} uses commands.${key}; add its module to LEAN_COMMANDS`);
  return [
    '"use strict";',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    ...keep.map((m) => `const ${m} = require("./${m}").default;`),
    `exports.default = { ${entries.map(([key, m]) => `${key}: ${m}`).join(', ')} };`,
    'exports.NON_STICKY_COMMANDS = exports.default;',
  ].join('\n');
}

/** The esbuild plugin: `require("../commands")` (and index.js's `./lib/commands`) inside @redis/client -> lean. */
export function leanCommandTable(keep = LEAN_COMMANDS) {
  return {
    name: NAMESPACE,
    setup(b) {
      b.onResolve({ filter: /^\.\.?\/(lib\/)?commands$/ }, (args) => {
        const dir = join(args.resolveDir, args.path);
        // sentinel/module.js's `./commands` is the sentinel's own small table: left alone
        if (!inRedisClient(args.importer) || basename(dir) !== 'commands' || basename(dirname(dir)) !== 'lib')
          return undefined;
        // the module's name in the output is the package path, not this machine's (pluginData has the real one)
        const file = join(dir, 'index.js');
        return { path: '@redis/client/dist/lib/commands/index.js', namespace: NAMESPACE, pluginData: { file } };
      });
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: leanIndexSource(args.pluginData.file, keep),
        resolveDir: dirname(args.pluginData.file),
        loader: 'js',
      }));
    },
  };
}

/**
 * Text edits of @redis/client's command metadata (dist/lib/command-metadata/): its ~165 KB table of request and
 * response policies and the resolver over it (built at import, with a lower-cased copy of the table) become lazy,
 * made on first use. The client reads it only with client-side caching (which Sluice does not use), the cluster
 * when one is created (to route); same object, same behaviour, later. ~5 ms of CPU of every start otherwise.
 */
const METADATA_EDITS = {
  'index.js': [
    ['var command_metadata_data_1 = require("./command-metadata-data");\n', ''],
    ['return command_metadata_data_1.COMMAND_METADATA;', 'return require("./command-metadata-data").COMMAND_METADATA;'],
    ['const command_metadata_data_2 = require("./command-metadata-data");\n', ''],
    [
      'exports.defaultCommandMetadata = new static_metadata_resolver_2.StaticMetadataResolver(command_metadata_data_2.COMMAND_METADATA);',
      'let defaultCommandMetadata;\nObject.defineProperty(exports, "defaultCommandMetadata", { enumerable: true, get: function () { return defaultCommandMetadata ??= new static_metadata_resolver_2.StaticMetadataResolver(require("./command-metadata-data").COMMAND_METADATA); } });',
    ],
  ],
  'static-metadata-resolver.js': [
    ['const command_metadata_data_1 = require("./command-metadata-data");\n', ''],
    [
      'policies = command_metadata_data_1.COMMAND_METADATA',
      'policies = require("./command-metadata-data").COMMAND_METADATA',
    ],
  ],
};

/** The esbuild plugin: @redis/client's command metadata built on first use (METADATA_EDITS; fails on a new layout). */
export function lazyCommandMetadata() {
  return exactEdits(
    'lazy-redis-command-metadata',
    '/@redis/client/dist/lib/command-metadata/',
    METADATA_EDITS,
    (text, path) => {
      if (/command_metadata_data_\d\./.test(text))
        throw new Error(`lazy-redis-command-metadata: ${path} still reads the table eagerly`);
    },
  );
}
