#!/usr/bin/env node
/** The `sluice` binary: argv -> command. The only file that touches process.exit. */
import { exitCodeOf, formatError } from './errors.js';
import { processOutput } from './output.js';
import { runCli } from './program.js';

const argv = process.argv.slice(2);
const io = processOutput();
let interrupt: AbortController | undefined;

/** Commands that stop gracefully ask for a signal; only then does Ctrl-C stop them instead of killing the process. */
const onInterrupt = (): AbortSignal => {
  if (!interrupt) {
    interrupt = new AbortController();
    process.on('SIGINT', () => {
      if (interrupt?.signal.aborted) process.exit(130); // second Ctrl-C
      interrupt?.abort();
    });
  }
  return interrupt.signal;
};

try {
  await runCli(argv, { io, interrupt: onInterrupt });
  process.exitCode = 0;
} catch (e) {
  const text = formatError(e, argv.includes('--verbose'));
  if (text) io.err(text);
  process.exitCode = exitCodeOf(e);
}
// Exit once stdout and stderr are flushed: nothing may keep a finished command alive.
process.stdout.write('', () => process.stderr.write('', () => process.exit(process.exitCode)));
