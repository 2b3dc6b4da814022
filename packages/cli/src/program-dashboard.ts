/** `sluice dashboard`: its flags, help and examples. */
import type { Command } from 'commander';
import { connectOf, examples, type ProgramContext } from './cli-context.js';
import { dashboardCommand } from './commands/dashboard.js';

/** Add `sluice dashboard` to `program`. */
export function registerDashboard(program: Command, ctx: ProgramContext): void {
  program
    .command('dashboard')
    .description('serve the web dashboard (queues, jobs, dead letters, live counts) until Ctrl-C')
    .requiredOption('--port <port>', 'port to serve on (0 picks a free one)')
    .option('--host <host>', 'interface to bind (default 127.0.0.1; 0.0.0.0 to serve other machines, with a token)')
    .option('--token-env <name>', 'environment variable holding the access token (16+ characters); role admin')
    .option('--read-only', 'refuse every action: look, do not touch')
    .option('--base-path <path>', 'path to serve under, e.g. /admin/queues behind a proxy (default /)')
    .option('--unsafe-no-auth', 'serve without a token (only with a loopback --host): local use only')
    .addHelpText(
      'after',
      `${examples(
        'export SLUICE_DASHBOARD_TOKEN=$(openssl rand -hex 24)',
        'sluice dashboard --port 8080 --token-env SLUICE_DASHBOARD_TOKEN   # open http://127.0.0.1:8080/?token=<token>',
        'sluice dashboard --port 8080 --token-env DASH_TOKEN --read-only --host 0.0.0.0 --base-path /queues',
        'sluice dashboard --port 8080 --unsafe-no-auth   # your laptop only: 127.0.0.1, no token',
      )}`,
    )
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await dashboardCommand(
        {
          ...connectOf(cmd),
          port: o.port as string | undefined,
          host: o.host as string | undefined,
          tokenEnv: o.tokenEnv as string | undefined,
          readOnly: o.readOnly === true,
          basePath: o.basePath as string | undefined,
          unsafeNoAuth: o.unsafeNoAuth === true,
          ...(ctx.interrupt ? { signal: ctx.interrupt() } : {}),
        },
        ctx.io,
      );
    });
}
