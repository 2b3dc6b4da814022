/** The commander program of `sluice`: every command, its flags and help with examples. Testable: no process.exit. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { connectOf, examples, type ProgramContext } from './cli-context.js';
import { enqueueCommand } from './commands/enqueue.js';
import { metricsCommand } from './commands/metrics.js';
import { queueListCommand, queuePauseCommand, queueResumeCommand } from './commands/queue.js';
import { statsCommand } from './commands/stats.js';
import { EXIT, ExitError } from './errors.js';
import { registerDashboard } from './program-dashboard.js';
import { registerDead } from './program-dead.js';
import { registerJob, registerQueueDestroy } from './program-job.js';
import { registerRegistry } from './program-registry.js';
import { registerWorker } from './program-worker.js';

/** The version in the package's package.json (one directory above src/ and dist/). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Build the `sluice` program writing to `ctx.io`. Commander errors are thrown (exitOverride), never exit. */
export function buildProgram(ctx: ProgramContext): Command {
  const { io } = ctx;
  const program = new Command('sluice')
    .description(
      'Sluice: a job queue on Redis Streams. Enqueue jobs, look them up by id, watch queues, handle dead letters, run workers.',
    )
    .version(cliVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (every command has examples)')
    .option('--redis <url>', 'Redis URL (default: SLUICE_REDIS_URL, then REDIS_URL, then redis://127.0.0.1:6379)')
    .option(
      '--redis-cluster <nodes>',
      'Redis Cluster nodes host:port,... (default: SLUICE_REDIS_CLUSTER; overrides --redis)',
    )
    .option('--prefix <prefix>', 'key prefix of every Sluice key (default: sluice)')
    .option(
      '--tls-ca <file>',
      'PEM file of the CA to trust for rediss:// (default: SLUICE_TLS_CA, else the system CAs)',
    )
    .option('--tls-cert <file>', 'PEM file of a client certificate for rediss:// (default: SLUICE_TLS_CERT)')
    .option('--tls-key <file>', 'PEM file of the key of --tls-cert (default: SLUICE_TLS_KEY)')
    .option(
      '--max-payload-bytes <n>',
      'largest JSON payload, the same for producers and workers (default: SLUICE_MAX_PAYLOAD_BYTES, else 1048576)',
    )
    .option('--verbose', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      outputError: (s, write) => write(s.replace(/^error: /, 'sluice: ')),
    })
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `${examples(
        'sluice enqueue send-email \'{"to":"ada@example.com"}\'',
        'sluice queue stats --max-ready 1000 --max-age 5m',
        'sluice dead list emails',
        'sluice worker start ./dist/jobs.js --concurrency 20',
      )}\nExit codes: 0 ok; 1 a threshold exceeded or an entry not found; 2 usage, connection or other error.\n`,
    );

  program
    .command('enqueue')
    .description('enqueue a job and print its id (or, with --ndjson, one job per stdin line and print a count)')
    .argument('<job>', 'job name')
    .argument('[payload-json]', 'payload as JSON (default: {})')
    .option(
      '--queue <queue>',
      'queue to put the job on (default: the queue its workers published; needed for a job no worker published)',
    )
    .option('--delay <duration>', 'run no sooner than this from now, e.g. 10s, 5m, 1h30m')
    .option('--at <iso-time>', 'run no sooner than this time, e.g. 2026-01-31T09:00:00Z')
    .option('--key <idempotency-key>', 'idempotency key: a second enqueue with it returns the first job (24 h)')
    .option('--priority <level>', "high, normal or low (default: the job's, else normal)")
    .option('--group <key>', 'fair group key: groups are served round-robin (default: none)')
    .option(
      '--jobs <module>',
      "module defining the jobs: validate against its schema (repeatable; default: the workers' published schema)",
      collect,
    )
    .option('--ndjson', 'read one JSON payload a line from stdin; all lines are checked before any is written')
    .option('--json', 'print JSON ({ id, deduplicated }, or { count, queue, ids } with --ndjson)')
    .addHelpText(
      'after',
      examples(
        'sluice enqueue send-email \'{"to":"ada@example.com"}\'',
        'sluice enqueue send-email \'{"to":"ada@example.com"}\' --delay 10m --key order-42',
        "sluice enqueue report '{}' --at 2026-01-31T09:00:00Z --queue reports",
        'sluice enqueue send-email --jobs ./dist/jobs.js --ndjson < payloads.ndjson',
      ),
    )
    .action(async (job: string, payload: string | undefined, o: Record<string, unknown>, cmd: Command) => {
      await enqueueCommand(
        {
          ...connectOf(cmd),
          job,
          payload,
          queue: o.queue as string | undefined,
          delay: o.delay as string | undefined,
          at: o.at as string | undefined,
          key: o.key as string | undefined,
          priority: o.priority as string | undefined,
          group: o.group as string | undefined,
          jobs: o.jobs as string[] | undefined,
          ndjson: o.ndjson === true,
          json: o.json === true,
          ...(ctx.input ? { input: ctx.input } : {}),
        },
        io,
      );
    });

  const queue = program.command('queue').description('queue stats, list, pause, resume, empty and delete');
  queue
    .command('stats')
    .description('show what every queue holds; exit 1 when a --max-* threshold is exceeded')
    .argument('[queue...]', 'queues to show (default: every known queue)')
    .option('--json', 'print JSON (shape documented in the CLI README)')
    .option('--watch [interval]', 'refresh every interval until Ctrl-C (default 2s)')
    .addOption(new Option('--watch-count <n>', 'stop --watch after n refreshes').hideHelp())
    .option('--max-ready <n>', 'fail (exit 1) when a queue has more ready jobs (backlog)')
    .option('--max-running <n>', 'fail when a queue has more running jobs')
    .option('--max-delayed <n>', 'fail when a queue has more delayed jobs')
    .option('--max-dead <n>', 'fail when a queue has more dead-lettered jobs')
    .option('--max-age <duration>', 'fail when the oldest ready job is older, e.g. 5m')
    .addHelpText(
      'after',
      examples(
        'sluice queue stats',
        'sluice queue stats emails reports --json',
        'sluice queue stats --max-ready 1000 --max-dead 0 --max-age 5m   # in CI or a cron alert',
        'sluice queue stats --watch 5s',
      ),
    )
    .action(async (queues: string[], o: Record<string, unknown>, cmd: Command) => {
      const watch = o.watch as boolean | string | undefined;
      await statsCommand(
        {
          ...connectOf(cmd),
          queues,
          json: o.json === true,
          watch,
          iterations: o.watchCount as string | undefined,
          maxReady: o.maxReady as string | undefined,
          maxRunning: o.maxRunning as string | undefined,
          maxDelayed: o.maxDelayed as string | undefined,
          maxDead: o.maxDead as string | undefined,
          maxAge: o.maxAge as string | undefined,
          ...(watch !== undefined && ctx.interrupt ? { signal: ctx.interrupt() } : {}),
        },
        io,
      );
    });
  queue
    .command('list')
    .description('list every known queue')
    .option('--json', 'print a JSON array of names')
    .addHelpText('after', examples('sluice queue list', 'sluice queue list --json --prefix staging'))
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await queueListCommand({ ...connectOf(cmd), json: o.json === true }, io);
    });
  queue
    .command('pause')
    .description('pause a queue: workers take no new jobs from it (running jobs finish)')
    .argument('<queue>', 'queue name')
    .addHelpText('after', examples('sluice queue pause emails'))
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await queuePauseCommand({ ...connectOf(cmd), queue: name }, io);
    });
  queue
    .command('resume')
    .description('resume a paused queue')
    .argument('<queue>', 'queue name')
    .addHelpText('after', examples('sluice queue resume emails'))
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await queueResumeCommand({ ...connectOf(cmd), queue: name }, io);
    });

  program
    .command('metrics')
    .description('serve Prometheus queue gauges of every (or the named) queue on /metrics, until Ctrl-C')
    .requiredOption('--port <port>', 'port of /metrics, /healthz and /readyz (9464 is usual; 0 picks a free one)')
    .option('--host <host>', 'interface to bind (default 0.0.0.0; 127.0.0.1 for local scrapes only)')
    .option('--queue <queue>', 'export only this queue (repeatable; default: every known queue)', collect)
    .option('--cache <duration>', 'reuse queue stats between scrapes for this long (default 5s)')
    .option('--log-level <level>', 'log level: trace, debug, info, warn, error, fatal, silent (default: info)')
    .addHelpText(
      'after',
      examples('sluice metrics --port 9464', 'sluice metrics --port 9464 --host 127.0.0.1 --queue emails --cache 15s'),
    )
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await metricsCommand(
        {
          ...connectOf(cmd),
          port: o.port as string | undefined,
          host: o.host as string | undefined,
          queues: o.queue as string[] | undefined,
          cache: o.cache as string | undefined,
          logLevel: o.logLevel as string | undefined,
          ...(ctx.interrupt ? { signal: ctx.interrupt() } : {}),
        },
        io,
      );
    });

  registerQueueDestroy(queue, io);
  registerJob(program, io);
  registerDead(program, io);
  registerRegistry(program, registerWorker(program, ctx), io);
  registerDashboard(program, ctx);
  return program;
}

/** Parse `argv` (without node and script) and run the command. Help and --version resolve; errors throw. */
export async function runCli(argv: readonly string[], ctx: ProgramContext): Promise<void> {
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return; // --help, --version
      throw new ExitError('', EXIT.usage, { cause: e }); // commander already printed the message
    }
    throw e;
  }
}
