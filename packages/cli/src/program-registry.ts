/** The `sluice worker ls`, `sluice schedule ls` and `sluice schedule run` commands of the program. */
import type { Command } from 'commander';
import { connectOf, examples } from './cli-context.js';
import { scheduleListCommand, scheduleRunCommand, workerListCommand } from './commands/registry.js';
import type { Output } from './output.js';

/** Add `ls` to the `worker` command, and the `schedule` command with `ls` and `run`, to `program`. */
export function registerRegistry(program: Command, worker: Command, io: Output): void {
  worker
    .command('ls')
    .description('list the live workers, drains and push dispatchers: host, pid, version, queues, jobs in flight')
    .option('--queue <queue>', 'only those reading this queue')
    .option('--json', 'print JSON: an array of workers')
    .addHelpText('after', examples('sluice worker ls', 'sluice worker ls --queue emails --json'))
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await workerListCommand({ ...connectOf(cmd), queue: o.queue as string | undefined, json: o.json === true }, io);
    });
  const schedule = program.command('schedule').description('cron jobs: list them, run one now');
  schedule
    .command('ls')
    .description('list the cron jobs workers run, with their pattern, time zone, last tick and next run')
    .option('--queue <queue>', 'only those of this queue')
    .option('--json', 'print JSON: an array of schedules')
    .addHelpText('after', examples('sluice schedule ls', 'sluice schedule ls --queue reports --json'))
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await scheduleListCommand({ ...connectOf(cmd), queue: o.queue as string | undefined, json: o.json === true }, io);
    });
  schedule
    .command('run')
    .description('enqueue a cron job now with its payload (its regular ticks go on as before); prints the job id')
    .argument('<queue>', 'the queue of the cron job')
    .argument('<name>', 'the job name')
    .option('--json', 'print JSON: { queue, name, id }')
    .addHelpText(
      'after',
      examples('sluice schedule run reports nightly-report', 'sluice schedule run reports nightly-report --json'),
    )
    .action(async (queue: string, name: string, o: Record<string, unknown>, cmd: Command) => {
      await scheduleRunCommand({ ...connectOf(cmd), queue, name, json: o.json === true }, io);
    });
}
