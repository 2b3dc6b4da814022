/**
 * cron-parser, loaded on first use by an `await import()`: a producer or worker without schedules does not pay its
 * import (~30 ms of cold start), and an application bundler (esbuild, webpack) sees the import and bundles the
 * package, so a bundled worker with cron jobs runs without node_modules (a `createRequire` call would be left to
 * resolve at run time and fail there: docs/decisions.md "Cold start").
 */
import type { CronExpressionParser as Parser } from 'cron-parser';

let parser: typeof Parser | undefined;

/** Load cron-parser once; later calls answer at once. */
export async function loadCronParser(): Promise<typeof Parser> {
  parser ??= (await import('cron-parser')).CronExpressionParser;
  return parser;
}

/** The loaded parser; throws if {@link loadCronParser} has not completed (a caller's bug, not the user's). */
export function cronParser(): typeof Parser {
  if (!parser) throw new Error('cron-parser is used before loadCronParser() completed');
  return parser;
}
