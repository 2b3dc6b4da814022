/** The `sluice worker start`, `worker drain` and `worker push` commands of the program. */
import type { Command } from 'commander';
import { connectOf, examples, type ProgramContext } from './cli-context.js';
import { LOG_LEVELS, workerStartCommand } from './commands/worker.js';
import { workerDrainCommand, workerPushCommand } from './commands/worker-drivers.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Add `worker start`, `worker drain` and `worker push` to `program`; returns the `worker` command. */
export function registerWorker(program: Command, ctx: ProgramContext): Command {
  const worker = program.command('worker').description('run workers, list the live ones');
  worker
    .command('start')
    .description('run a worker on the jobs the modules define, until SIGTERM or Ctrl-C (then shut down gracefully)')
    .argument('<jobs-module...>', 'modules that export jobs made with defineJob()')
    .option('--queue <queue>', 'consume only this queue (repeatable; default: every queue of the loaded jobs)', collect)
    .option('--concurrency <n>', 'most jobs running at once (default 10)')
    .option(
      '--read-ahead <n>',
      'jobs held leased beyond the free slots while runs are short, 0 for none (default the larger of 32 - concurrency and concurrency)',
    )
    .option('--lease <duration>', 'lease of a running job before another worker may reclaim it (default 30s)')
    .option('--grace <duration>', 'how long running jobs may finish at shutdown (default 10s)')
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default: LOG_LEVEL or info)`)
    .option('--pretty', 'human-readable logs (needs pino-pretty; default: pretty in a terminal, JSON lines otherwise)')
    .option('--no-pretty', 'JSON log lines even in a terminal')
    .option('--metrics-port <port>', 'serve Prometheus /metrics, /healthz and /readyz on this port (default: off)')
    .option('--metrics-host <host>', 'interface of the metrics port (default 0.0.0.0)')
    .addHelpText(
      'after',
      examples(
        'sluice worker start ./dist/jobs.js',
        'sluice worker start ./dist/jobs.js --metrics-port 9464',
        'sluice worker start ./dist/jobs.js --queue emails --concurrency 50 --lease 1m --grace 30s',
        'sluice worker start ./dist/jobs.js --log-level debug --pretty',
      ),
    )
    .action(async (modules: string[], o: Record<string, unknown>, cmd: Command) => {
      await workerStartCommand(
        {
          ...connectOf(cmd),
          modules,
          queues: o.queue as string[] | undefined,
          concurrency: o.concurrency as string | undefined,
          readAhead: o.readAhead as string | undefined,
          lease: o.lease as string | undefined,
          grace: o.grace as string | undefined,
          logLevel: o.logLevel as string | undefined,
          pretty: o.pretty as boolean | undefined,
          metricsPort: o.metricsPort as string | undefined,
          metricsHost: o.metricsHost as string | undefined,
        },
        ctx.io,
      );
    });
  worker
    .command('drain')
    .description(
      'run the jobs of the queues within a time budget, then exit (a scheduled serverless function); SIGTERM or Ctrl-C stops it gracefully',
    )
    .argument('<jobs-module...>', 'modules that export jobs made with defineJob()')
    .requiredOption('--budget <duration>', 'wall time to use, e.g. 25s; no job starts unless its timeout fits')
    .option('--queue <queue>', 'drain only this queue (repeatable; default: every queue of the loaded jobs)', collect)
    .option('--concurrency <n>', 'most jobs running at once (default 10)')
    .option(
      '--grace <duration>',
      'on SIGTERM or Ctrl-C, how long running jobs may finish (default 10s, within the budget)',
    )
    .option('--json', 'print the result as JSON')
    .option('--log-level <level>', `log level on stderr: ${LOG_LEVELS.join(', ')} (default: LOG_LEVEL or warn)`)
    .addHelpText(
      'after',
      examples(
        'sluice worker drain ./dist/jobs.js --budget 25s',
        'sluice worker drain ./dist/jobs.js --budget 10m --queue emails --concurrency 20 --json',
      ),
    )
    .action(async (modules: string[], o: Record<string, unknown>, cmd: Command) => {
      await workerDrainCommand(
        {
          ...connectOf(cmd),
          modules,
          budget: o.budget as string | undefined,
          grace: o.grace as string | undefined,
          queues: o.queue as string[] | undefined,
          concurrency: o.concurrency as string | undefined,
          json: o.json === true,
          logLevel: o.logLevel as string | undefined,
        },
        ctx.io,
      );
    });
  worker
    .command('push')
    .description('POST every job of the queues, signed, to an HTTP handler (docs/push.md), until SIGTERM or Ctrl-C')
    .argument('[jobs-module...]', "modules whose jobs' retry policy and timeout apply (optional)")
    .requiredOption('--to <url>', 'endpoint that runs the jobs (createFetchHandler), http(s)')
    .requiredOption('--secret-env <VAR>', 'variable holding the secret, or several comma-separated (first signs)')
    .option(
      '--header-env <Header=VAR>',
      'send a request header whose value is read from the variable VAR, e.g. Authorization=HOOK_AUTH (repeatable)',
      collect,
    )
    .option('--queue <queue>', 'push this queue (repeatable; required without jobs modules)', collect)
    .option('--concurrency <n>', 'most requests in flight (default 10)')
    .option('--timeout <duration>', "timeout of one request (default: the job's timeout, else 30s)")
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default: LOG_LEVEL or info)`)
    .addHelpText(
      'after',
      examples(
        'SLUICE_PUSH_SECRET=s3cret sluice worker push --to https://jobs.example.com/sluice --secret-env SLUICE_PUSH_SECRET --queue emails',
        'sluice worker push ./dist/jobs.js --to https://jobs.example.com/sluice --secret-env SECRETS --timeout 10s',
        'sluice worker push --to https://gw.example.com/sluice --secret-env SECRETS --header-env Authorization=GW_AUTH --queue emails',
      ),
    )
    .action(async (modules: string[], o: Record<string, unknown>, cmd: Command) => {
      await workerPushCommand(
        {
          ...connectOf(cmd),
          modules,
          to: o.to as string | undefined,
          secretEnv: o.secretEnv as string | undefined,
          headerEnv: o.headerEnv as string[] | undefined,
          queues: o.queue as string[] | undefined,
          concurrency: o.concurrency as string | undefined,
          timeout: o.timeout as string | undefined,
          logLevel: o.logLevel as string | undefined,
        },
        ctx.io,
      );
    });
  return worker;
}
