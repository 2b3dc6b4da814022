/** The `sluice worker start` command of the program. */
import type { Command } from 'commander';
import { connectOf, examples, type ProgramContext } from './cli-context.js';
import { LOG_LEVELS, workerStartCommand } from './commands/worker.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Add `worker start` to `program`. */
export function registerWorker(program: Command, ctx: ProgramContext): void {
  const worker = program.command('worker').description('run workers');
  worker
    .command('start')
    .description('run a worker on the jobs the modules define, until SIGTERM or Ctrl-C (then shut down gracefully)')
    .argument('<jobs-module...>', 'modules that export jobs made with defineJob()')
    .option('--queue <queue>', 'consume only this queue (repeatable; default: every queue of the loaded jobs)', collect)
    .option('--concurrency <n>', 'most jobs running at once (default 10)')
    .option('--lease <duration>', 'lease of a running job before another worker may reclaim it (default 30s)')
    .option('--grace <duration>', 'how long running jobs may finish at shutdown (default 10s)')
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default: LOG_LEVEL or info)`)
    .option('--pretty', 'human-readable logs (needs pino-pretty; default: JSON lines)')
    .addHelpText(
      'after',
      examples(
        'sluice worker start ./dist/jobs.js',
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
          lease: o.lease as string | undefined,
          grace: o.grace as string | undefined,
          logLevel: o.logLevel as string | undefined,
          pretty: o.pretty === true,
        },
        ctx.io,
      );
    });
}
