/** The `sluice dead` commands of the program (list, show, redrive, purge). */
import type { Command } from 'commander';
import { connectOf, examples } from './cli-context.js';
import { deadListCommand, deadPurgeCommand, deadRedriveCommand, deadShowCommand } from './commands/dead.js';
import type { Output } from './output.js';

/** Add `dead list|show|redrive|purge` to `program`. */
export function registerDead(program: Command, io: Output): void {
  const dead = program.command('dead').description('dead-lettered jobs: list, show, redrive, purge');
  dead
    .command('list')
    .description('list the newest dead-lettered jobs of a queue')
    .argument('<queue>', 'queue name')
    .option('--limit <n>', 'most entries to show (default 20)')
    .option('--json', 'print JSON: [{ deadId, fields }]')
    .addHelpText('after', examples('sluice dead list emails', 'sluice dead list emails --limit 100 --json'))
    .action(async (queue: string, o: Record<string, unknown>, cmd: Command) => {
      await deadListCommand(
        { ...connectOf(cmd), queue, limit: o.limit as string | undefined, json: o.json === true },
        io,
      );
    });
  dead
    .command('show')
    .description('show one dead-lettered job: error, stack, payload (exit 1 when not found)')
    .argument('<queue>', 'queue name')
    .argument('<id>', 'dead-letter entry id (the DEAD ID column of dead list)')
    .option('--json', 'print JSON: { deadId, fields }')
    .addHelpText('after', examples('sluice dead show emails 1732400000000-0'))
    .action(async (queue: string, id: string, o: Record<string, unknown>, cmd: Command) => {
      await deadShowCommand({ ...connectOf(cmd), queue, id, json: o.json === true }, io);
    });
  dead
    .command('redrive')
    .description('move dead-lettered jobs back to the queue (atomically, attempts reset) and print how many')
    .argument('<queue>', 'queue name')
    .argument('[id...]', 'dead-letter entry ids')
    .option('--all', 'redrive every entry, oldest first')
    .option('--limit <n>', 'with --all, redrive at most n')
    .option('--json', 'print JSON: { queue, redriven }')
    .addHelpText(
      'after',
      examples(
        'sluice dead redrive emails 1732400000000-0 1732400000001-0',
        'sluice dead redrive emails --all --limit 500',
      ),
    )
    .action(async (queue: string, ids: string[], o: Record<string, unknown>, cmd: Command) => {
      await deadRedriveCommand(
        {
          ...connectOf(cmd),
          queue,
          ids,
          all: o.all === true,
          limit: o.limit as string | undefined,
          json: o.json === true,
        },
        io,
      );
    });
  dead
    .command('purge')
    .description('delete dead-lettered jobs for good (refused without --yes)')
    .argument('<queue>', 'queue name')
    .option('--older-than <duration>', 'only entries dead for longer than this, e.g. 7d')
    .option('--yes', 'confirm the deletion')
    .option('--json', 'print JSON: { queue, purged }')
    .addHelpText('after', examples('sluice dead purge emails --older-than 7d --yes', 'sluice dead purge emails --yes'))
    .action(async (queue: string, o: Record<string, unknown>, cmd: Command) => {
      await deadPurgeCommand(
        {
          ...connectOf(cmd),
          queue,
          olderThan: o.olderThan as string | undefined,
          yes: o.yes === true,
          json: o.json === true,
        },
        io,
      );
    });
}
