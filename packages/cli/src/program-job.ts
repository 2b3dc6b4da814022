/** The `sluice job` commands (show, ls, cancel, delete, promote, retry) and `queue empty|delete`. */
import type { Command } from 'commander';
import { connectOf, examples } from './cli-context.js';
import {
  type JobIdOptions,
  jobCancelCommand,
  jobDeleteCommand,
  jobListCommand,
  jobPromoteCommand,
  jobRetryCommand,
  jobShowCommand,
} from './commands/job.js';
import { queueDeleteCommand, queueEmptyCommand } from './commands/queue.js';
import type { Output } from './output.js';

const ID = '0d9f6a52-4c1e-4b7a-9a0e-2f1c3b5d7e91';

/** The commands on one job: each takes `<queue> <id>` and `--json`. */
const ONE: [string, string, (o: JobIdOptions, io: Output) => Promise<void>][] = [
  ['show', 'show one job by the id enqueue printed: state, attempt, lease, payload (exit 1 when none)', jobShowCommand],
  [
    'cancel',
    'cancel a ready or delayed job (it never runs); a running one is aborted by its worker (ctx.signal) and recorded as cancelled',
    jobCancelCommand,
  ],
  ['delete', 'delete a ready, delayed or dead job (a running one: cancel it)', jobDeleteCommand],
  ['promote', 'run a delayed job now', jobPromoteCommand],
  ['retry', 'put a dead job back on its queue with attempts reset', jobRetryCommand],
];

/** Add `job show|ls|cancel|delete|promote|retry` to `program`. */
export function registerJob(program: Command, io: Output): void {
  const job = program.command('job').description('jobs by id and by state: show, ls, cancel, delete, promote, retry');
  for (const [verb, what, run] of ONE) {
    job
      .command(verb)
      .description(what)
      .argument('<queue>', 'queue name')
      .argument('<id>', 'job id, as sluice enqueue printed it')
      .option('--json', 'print JSON')
      .addHelpText('after', examples(`sluice job ${verb} emails ${ID}`, `sluice job ${verb} emails ${ID} --json`))
      .action(async (queue: string, id: string, o: Record<string, unknown>, cmd: Command) => {
        await run({ ...connectOf(cmd), queue, id, json: o.json === true }, io);
      });
  }
  job
    .command('ls')
    .description('list a page of jobs in one state, oldest first; prints the --cursor of the next page')
    .argument('<queue>', 'queue name')
    .option('--state <state>', 'ready, running, delayed, dead or completed (kept results) (default ready)')
    .option('--name <name>', 'only jobs of this name')
    .option('--search <text>', 'only jobs whose id, name or payload contains this (reads 1000 jobs per call)')
    .option('--limit <n>', 'most jobs per page, 1-1000 (default 50)')
    .option('--cursor <cursor>', 'go on from the cursor the previous page printed')
    .option('--newest', 'newest first')
    .option('--json', 'print JSON: { jobs, cursor }')
    .addHelpText(
      'after',
      examples(
        'sluice job ls emails',
        'sluice job ls emails --state running',
        'sluice job ls emails --state completed --newest',
        'sluice job ls emails --state dead --newest --limit 20',
        'sluice job ls emails --search ada@example.com --cursor 1732400000000-0',
      ),
    )
    .action(async (queue: string, o: Record<string, unknown>, cmd: Command) => {
      await jobListCommand(
        {
          ...connectOf(cmd),
          queue,
          state: o.state as string | undefined,
          name: o.name as string | undefined,
          search: o.search as string | undefined,
          limit: o.limit as string | undefined,
          cursor: o.cursor as string | undefined,
          newest: o.newest === true,
          json: o.json === true,
        },
        io,
      );
    });
}

/** Add `queue empty` and `queue delete` to the `queue` command. */
export function registerQueueDestroy(queue: Command, io: Output): void {
  queue
    .command('empty')
    .description('remove every ready and delayed job of a queue (running jobs finish); needs --yes')
    .argument('<queue>', 'queue name')
    .option('--yes', 'confirm')
    .option('--json', 'print JSON: { queue, ready, delayed }')
    .addHelpText('after', examples('sluice queue empty emails --yes'))
    .action(async (name: string, o: Record<string, unknown>, cmd: Command) => {
      await queueEmptyCommand({ ...connectOf(cmd), queue: name, yes: o.yes === true, json: o.json === true }, io);
    });
  queue
    .command('delete')
    .description('delete a queue and all its keys; needs --yes, refused while workers are live unless --force')
    .argument('<queue>', 'queue name')
    .option('--yes', 'confirm')
    .option('--force', 'delete even while workers are live')
    .option('--json', 'print JSON: { queue, deletedKeys }')
    .addHelpText(
      'after',
      examples('sluice queue delete old-emails --yes', 'sluice queue delete old-emails --yes --force'),
    )
    .action(async (name: string, o: Record<string, unknown>, cmd: Command) => {
      await queueDeleteCommand(
        { ...connectOf(cmd), queue: name, yes: o.yes === true, force: o.force === true, json: o.json === true },
        io,
      );
    });
}
