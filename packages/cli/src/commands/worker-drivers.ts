/**
 * `sluice worker drain <jobs-module...> --budget 25s`: run the queues' jobs within a time budget and print what
 * was done (serverless cron). `sluice worker push --to <url> --secret-env <VAR>`: POST every job of the queues,
 * signed, to an HTTP handler (a worker whose handler is the POST), until SIGTERM or Ctrl-C.
 */
import { assertQueueName, formatDuration, hasCredentials, redactUrl } from '@sluice/core/internal';
import { type DrainResult, pushWorkerOptions, runDrainProcess, runWorkerProcess } from '@sluice/worker';
import { type ConnectOptions, resolveTarget, withSluice } from '../connect.js';
import { EXIT, ExitError, usageError } from '../errors.js';
import { loadJobModules } from '../jobs.js';
import { json, type Output, plural } from '../output.js';
import { parseCount, parseDurationFlag } from '../parse.js';
import { LOG_LEVELS } from './worker.js';

/** Options shared by `worker drain` and `worker push`, as typed on the command line. */
interface DriverFlags extends ConnectOptions {
  /** Queues to serve (repeatable; default: every queue of the loaded jobs). */
  queues?: readonly string[] | undefined;
  /** Most jobs at once (default 10). */
  concurrency?: number | string | undefined;
  /** Log level (default `LOG_LEVEL`, then info for push and warn for drain); logs go to stderr for drain. */
  logLevel?: string | undefined;
}

/** Options of {@link workerDrainCommand}. */
export interface WorkerDrainOptions extends DriverFlags {
  /** Modules that define the jobs (at least one). */
  modules: readonly string[];
  /** Time budget, e.g. `25s` (required). */
  budget: number | string | undefined;
  /** On SIGTERM/SIGINT, how long running jobs may finish, e.g. `10s`, never past the budget (default 10s). */
  grace?: number | string | undefined;
  /** Print the result as JSON (default false). */
  json?: boolean | undefined;
}

/** Options of {@link workerPushCommand}. */
export interface WorkerPushOptions extends DriverFlags {
  /** Modules whose jobs' retry policy and timeout apply (default none: then `--queue` is required). */
  modules?: readonly string[] | undefined;
  /** Endpoint to POST to, http(s) (required). */
  to: string | undefined;
  /** Name of the environment variable holding the secret, or several comma-separated (the first signs). */
  secretEnv: string | undefined;
  /** Timeout of one POST, e.g. `30s` (default: the job's timeout, else 30s). */
  timeout?: number | string | undefined;
  /** Request headers from the environment, `Header-Name=VAR` each, e.g. `Authorization=HOOK_AUTH` (default none). */
  headerEnv?: readonly string[] | undefined;
}

function common(opts: DriverFlags, defaultLevel: string) {
  const target = resolveTarget(opts);
  for (const q of opts.queues ?? []) assertQueueName(q, '--queue');
  const level = opts.logLevel ?? process.env.LOG_LEVEL ?? defaultLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw usageError(`--log-level expects one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}`);
  }
  return {
    ...target,
    ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
    ...(opts.queues?.length ? { queues: [...opts.queues] } : {}),
    ...(opts.concurrency === undefined ? {} : { concurrency: parseCount(opts.concurrency, '--concurrency', 1) }),
    level,
  };
}

/** Check the flags of `worker drain`; each bad value is a usage error naming its flag. */
export function resolveDrainOptions(opts: WorkerDrainOptions) {
  if (!opts.modules?.length) throw usageError('jobs-module argument: give at least one module that defines jobs');
  if (opts.budget === undefined) throw usageError('--budget is required, e.g. --budget 25s');
  const budgetMs = parseDurationFlag(opts.budget, '--budget');
  if (budgetMs < 100) throw usageError(`--budget expects at least 100ms; got ${JSON.stringify(String(opts.budget))}`);
  const graceMs = opts.grace === undefined ? undefined : parseDurationFlag(opts.grace, '--grace');
  return {
    ...common(opts, 'warn'),
    budgetMs,
    ...(graceMs === undefined ? {} : { shutdownGrace: graceMs }),
    modules: [...opts.modules],
  };
}

/** A duration that keeps its milliseconds when it is not whole seconds (`4481ms`, `5s`, `2m`). */
const exact = (ms: number): string => (ms % 1000 === 0 ? formatDuration(ms) : `${ms}ms`);

/** Why a drain stopped, in words: the reason, and for `budget` and `paused` what was left and why. */
export function stopReason(r: DrainResult): string {
  if (r.stoppedBecause === 'paused') return `paused; ${r.paused.map((q) => `queue "${q}" is paused`).join(', ')}`;
  if (r.stoppedBecause !== 'budget' || r.notStarted.length === 0) return r.stoppedBecause;
  const jobs = r.notStarted.map(
    (n) => `${n.count} × ${n.job} (${n.costFrom} ${exact(n.costMs)})${n.queue === n.job ? '' : ` in ${n.queue}`}`,
  );
  return `budget; not started, needing more than the ${exact(r.leftMs)} left: ${jobs.join(', ')}`;
}

/** One line describing a drain. */
export function drainSummary(r: DrainResult, ms: number): string {
  return `drained ${plural(r.processed, 'job')} in ${formatDuration(ms)}: ${r.succeeded} succeeded, ${r.retried} retried, ${r.dead} dead; ${r.remaining} remaining (stopped: ${stopReason(r)})`;
}

/**
 * Run the jobs of the queues within the budget; print the result (logs go to stderr). Exit 0 either way, also
 * after a graceful stop on SIGTERM/SIGINT (a second signal exits at once with 143/130, as `worker start`).
 */
export async function workerDrainCommand(opts: WorkerDrainOptions, io: Output): Promise<void> {
  const { level, modules, ...r } = resolveDrainOptions(opts);
  const jobs = await loadJobModules(modules, 'jobs-module argument');
  const started = Date.now();
  let result: DrainResult;
  try {
    const logger = { level, destination: { write: (l: string) => io.err(l.trimEnd()) } };
    result = await runDrainProcess({ ...r, jobs, logger });
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (msg.startsWith('cannot connect')) throw new ExitError(msg, EXIT.usage, { cause: e });
    throw e;
  }
  const ms = Date.now() - started;
  io.out(opts.json ? json({ ...result, durationMs: ms }) : drainSummary(result, ms));
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Throws a usage error unless `value` is an environment variable's name. The value is never printed: given the
 * secret itself by mistake, it must not reach a terminal or a log.
 */
export function assertEnvName(value: string, flag: string): void {
  if (!ENV_NAME.test(value)) {
    throw usageError(
      `${flag} expects the name of an environment variable (letters, digits and _, not starting with a digit), not its value; the value given is not shown`,
    );
  }
}

/** The secrets in the variable `name` of `env`: one, or several comma-separated (first signs). */
export function secretsFromEnv(name: string | undefined, env: Readonly<Record<string, string | undefined>>): string[] {
  if (!name) throw usageError('--secret-env is required: the name of the variable holding the signing secret');
  assertEnvName(name, '--secret-env');
  const secrets = (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw usageError(`--secret-env names ${name}, which is not set or empty`);
  return secrets;
}

/** The request headers of `--header-env Header-Name=VAR` flags, each value read from the variable VAR of `env`. */
export function headersFromEnv(
  specs: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    const header = spec.slice(0, Math.max(eq, 0));
    if (eq < 1 || !HEADER_NAME.test(header)) {
      throw usageError('--header-env expects Header-Name=VAR, e.g. --header-env Authorization=HOOK_AUTH');
    }
    const name = spec.slice(eq + 1);
    assertEnvName(name, `--header-env ${header}=`);
    const value = env[name];
    if (value === undefined || value === '')
      throw usageError(`--header-env ${header}=${name}: ${name} is not set or empty`);
    headers[header.toLowerCase()] = value;
  }
  return headers;
}

/** The `--to` URL: http(s), without credentials (they would be refused by fetch and printed with its error). */
export function resolvePushUrl(to: string | undefined): string {
  let url: URL | undefined;
  try {
    url = new URL(to ?? '');
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    const got = to === undefined || to === '' ? 'nothing' : JSON.stringify(redactUrl(to));
    throw usageError(`--to expects an http(s) URL like https://example.com/sluice; got ${got}`);
  }
  if (hasCredentials(url)) {
    throw usageError(
      `--to must not carry credentials (user:password@${url.host}): put the secret in an environment variable and send it as a header, e.g. --header-env Authorization=HOOK_AUTH`,
    );
  }
  return url.href;
}

/** Check the flags of `worker push`; each bad value is a usage error naming its flag. */
export function resolvePushOptions(opts: WorkerPushOptions) {
  const to = resolvePushUrl(opts.to);
  const env = opts.env ?? process.env;
  const secrets = secretsFromEnv(opts.secretEnv, env);
  const headers = headersFromEnv(opts.headerEnv, env);
  if (!opts.modules?.length && !opts.queues?.length) {
    throw usageError('--queue: name the queues to push (repeatable), or give jobs modules whose queues are read');
  }
  const timeout = opts.timeout === undefined ? undefined : parseDurationFlag(opts.timeout, '--timeout');
  if (timeout !== undefined && timeout < 1)
    throw usageError(`--timeout expects at least 1ms; got ${JSON.stringify(String(opts.timeout))}`);
  return { ...common(opts, 'info'), to, secrets, headers, modules: [...(opts.modules ?? [])], timeout };
}

/** POST every job of the queues to `--to` until SIGTERM/SIGINT, then stop gracefully. */
export async function workerPushCommand(opts: WorkerPushOptions, _io: Output): Promise<void> {
  const { level, modules, timeout, ...r } = resolvePushOptions(opts);
  const jobs = modules.length ? await loadJobModules(modules, 'jobs-module argument') : [];
  await withSluice(opts, async () => undefined);
  let code: number;
  try {
    code = await runWorkerProcess({
      ...pushWorkerOptions({ ...r, jobs, ...(timeout === undefined ? {} : { timeout }) }),
      logger: { level },
    });
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (msg.startsWith('cannot connect')) throw new ExitError(msg, EXIT.usage, { cause: e });
    throw e;
  }
  if (code !== 0) throw new ExitError('', code);
}
