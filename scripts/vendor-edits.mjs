// Exact-text edits of vendored packages' files (scripts/bundle-dist.mjs): each turns a top-level require into a load
// on first use, where the module serves a feature a Sluice worker may never use. Why: a cold start loads whatever
// the bundle's top levels require, and on Node 24 `node:tls` alone costs ~9 ms of CPU, `node:crypto` ~4 ms and
// `node:assert` ~2 ms (docs/decisions.md, "Cold start"). Each edit fails the build when the package's file no longer
// has the text (a new layout needs a look, not a silent miss). Guards: test/core/vendored-client.test.ts and
// test/cluster/vendored-client.test.ts build the copy with these edits; `SLUICE_VENDORED_REDIS=1` runs
// test/security/tls.test.ts (TLS connects) through the built copy.

import { readFile } from 'node:fs/promises';

/** @redis/client (core's dist/vendor/redis-client.js): file under dist/lib -> [from, to] pairs. */
export const REDIS_CLIENT_EDITS = {
  // node:tls only for a TLS connection (`tls: true` or rediss://), at its connect
  'client/socket.js': [
    [
      'const node_tls_1 = __importDefault(require("node:tls"));',
      'const node_tls_1 = { get default() { return require("node:tls"); } };',
    ],
  ],
  // the 4 random bytes of each client's diagnostic id (a label for tracing channels and OpenTelemetry attributes,
  // nothing secret): Math.random, not node:crypto (or Web Crypto, ~3 ms of CPU to load), as the worker's consumer name
  'client/identity.js': [
    [
      'const node_crypto_1 = require("node:crypto");',
      'const node_crypto_1 = { randomBytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256))) };',
    ],
  ],
  // client-side caching on first use (Sluice never turns it on; the cluster's slot map requires the module too, so
  // it stays in the file); the client pool and the legacy-mode wrapper, which no Sluice client reaches (`createPool`,
  // `legacy()`), left out of the file: using one throws. The client's OpenTelemetry metrics: only the registry it
  // registers each client with, a no-op until `OpenTelemetry.init()` (which this copy does not export); the metric
  // instruments, ~45 KB evaluated at every start, are left out.
  'client/index.js': [
    ['const legacy_mode_1 = require("./legacy-mode");', 'const legacy_mode_1 = onUse(() => leftOut("legacy mode"));'],
    ['const pool_1 = require("./pool");', 'const pool_1 = onUse(() => leftOut("the client pool"));'],
    ['const cache_1 = require("./cache");', 'const cache_1 = onUse(() => require("./cache"));'],
    [
      'const opentelemetry_1 = require("../opentelemetry");',
      'const opentelemetry_1 = require("../opentelemetry/client-registry");',
    ],
    [
      '"use strict";',
      '"use strict";\nconst onUse = (load) => { let m; return new Proxy({}, { get: (_, key) => (m ??= load())[key] }); };\n' +
        'const leftOut = (what) => { throw new Error("Sluice\'s copy of @redis/client leaves out " + what + ": use a client of your own @redis/client"); };',
    ],
  ],
  // a blob string (every entry id, field and payload of a read) straight from the socket's chunk: `toString` with
  // bounds, not `subarray().toString()`, which makes a Buffer view per string first (~4 % of a worker's CPU at
  // c=100); the same string. A Buffer reply (type mapping) is still a view, as before.
  'RESP/decoder.js': [
    [
      'const slice = chunk.subarray(this.#cursor, end);\n        this.#cursor = end + skip;\n        return type === Buffer ?\n            slice :\n            slice.toString();',
      "const start = this.#cursor;\n        this.#cursor = end + skip;\n        return type === Buffer ?\n            chunk.subarray(start, end) :\n            chunk.toString('utf8', start, end);",
    ],
  ],
  // the cluster's command table (~145 KB of object literal, read only by a cluster's routing and client-side caching):
  // one JSON.parse of a string, which V8 scans far faster than the literal it replaces (see jsonData)
  'command-metadata/command-metadata-data.js': [
    ['exports.COMMAND_METADATA = {', (text) => jsonData(text, 'COMMAND_METADATA')],
  ],
  // dns/promises only to resolve a Redis Enterprise maintenance endpoint (never asked for by Sluice); node:assert
  // (~2 ms of CPU to load on Node 24) only when a check fails (`assert(ok)` throws only then: same behaviour)
  'client/enterprise-maintenance-manager.js': [
    [
      'const node_assert_1 = __importDefault(require("node:assert"));',
      'const node_assert_1 = { default: (ok, ...rest) => { if (!ok) require("node:assert")(ok, ...rest); } };',
    ],
    [
      'const promises_1 = require("dns/promises");',
      'const promises_1 = { lookup: (...args) => require("dns/promises").lookup(...args) };',
    ],
  ],
};

/**
 * `exports.<name> = <object literal>;` as `exports.<name> = JSON.parse("...");`, the same value. Throws (failing the
 * build) when the literal is not plain JSON.
 */
export function jsonData(text, name) {
  const head = `exports.${name} = `;
  const start = text.indexOf(`${head}{`) + head.length;
  const end = text.indexOf('\n};', start) + 2;
  if (start < head.length || end < start) throw new Error(`jsonData: no "${head}{ ... }" literal`);
  let value;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch (e) {
    throw new Error(`jsonData: exports.${name} is not plain JSON any more: ${e.message}`);
  }
  return `${text.slice(0, start)}JSON.parse(${JSON.stringify(JSON.stringify(value))})${text.slice(end)}`;
}

/**
 * pino (the worker's dist/vendor/pino.js): its transport code (and thread-stream) only when a transport is asked
 * for, which Sluice never does through this copy (pretty output goes through the installed pino: logger.ts).
 */
export const PINO_EDITS = {
  'lib/tools.js': [
    ["const transport = require('./transport')", "const transport = (...args) => require('./transport')(...args)"],
  ],
  'pino.js': [
    [
      "module.exports.transport = require('./lib/transport')",
      "module.exports.transport = (...args) => require('./lib/transport')(...args)",
    ],
  ],
};

/** sonic-boom (pino's destination, in the same vendored file): node:assert only when its check fails. */
export const SONIC_BOOM_EDITS = {
  'index.js': [
    ["const assert = require('assert')", "const assert = (ok, ...rest) => { if (!ok) require('assert')(ok, ...rest) }"],
  ],
};

/**
 * An esbuild plugin applying `edits` ({ file under `root`: [from, to][] }; `to` a function: the file's new text from
 * its text, `from` only checked) to the package whose files contain `root`.
 * The build fails when a file lacks a `from` text, when a listed file was never bundled (a moved module), or when
 * `check` (optional) throws on an edited file's text.
 */
export function exactEdits(name, root, edits, check = (_text, _path) => {}) {
  const files = Object.keys(edits);
  return {
    name,
    setup(b) {
      const seen = new Set();
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        const path = args.path.replaceAll('\\', '/');
        const file = files.find((f) => path.endsWith(`${root}${f}`));
        if (!file) return undefined;
        seen.add(file);
        let text = await readFile(args.path, 'utf8');
        for (const [from, to] of edits[file]) {
          if (!text.includes(from)) throw new Error(`${name}: ${args.path} no longer has "${from}"`);
          text = typeof to === 'function' ? to(text) : text.replace(from, to);
        }
        check(text, args.path);
        return { contents: text, loader: 'js' };
      });
      b.onEnd((result) => {
        const missing = files.filter((f) => !seen.has(f));
        if (missing.length > 0 && result.errors.length === 0)
          return { errors: [{ text: `${name}: never bundled ${missing.map((f) => root + f).join(', ')}` }] };
        return undefined;
      });
    },
  };
}
