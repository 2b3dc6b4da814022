/**
 * Child processes of the bench: the child script (TypeScript) is compiled once per run into one JavaScript file
 * with every package left external, and forked with plain `node`: no loader, and WITHOUT the `@sluice/source`
 * condition, so `@sluice/*`, BullMQ and @redis/client load from their built files, as in production. (Under the tsx
 * loader, a child also paid tsx's transform of every file outside node_modules, such as core's vendored
 * @redis/client: ~110 MiB more RSS for Sluice than for the others.) Bounded in time, killed by pid. A child talks to
 * the runner over IPC (see child.ts for the messages).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import type { ChildConfig, ChildMessage } from './child.js';

const SOURCE = fileURLToPath(new URL('./child.ts', import.meta.url));
/** Where the compiled child goes: inside bench/, so its external imports resolve from bench/node_modules. */
const COMPILED = fileURLToPath(new URL('../.child-build/child.mjs', import.meta.url));
let compiled = false;

/** Compile child.ts and what it imports (not packages) into {@link COMPILED}, once per run. */
function childScript(): string {
  if (!compiled) {
    buildSync({
      entryPoints: [SOURCE],
      outfile: COMPILED,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
    compiled = true;
  }
  return COMPILED;
}

/** A running child. */
export class Child {
  private readonly proc: ChildProcess;
  private readonly queue: ChildMessage[] = [];
  private waiter: (() => void) | undefined;
  private exited = false;
  private stderr = '';

  constructor(config: ChildConfig) {
    this.proc = fork(childScript(), [JSON.stringify(config)], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.proc.on('message', (m) => {
      this.queue.push(m as ChildMessage);
      this.waiter?.();
    });
    this.proc.on('exit', () => {
      this.exited = true;
      this.waiter?.();
    });
  }

  /** The next message of type `type`, within `timeoutMs`; throws (and kills the child) otherwise. */
  async next<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((m) => m.type === type || m.type === 'error');
      if (i >= 0) {
        const m = this.queue.splice(i, 1)[0] as ChildMessage;
        if (m.type === 'error') {
          this.kill();
          throw new Error(`child failed: ${m.message}`);
        }
        return m as Extract<ChildMessage, { type: T }>;
      }
      const left = deadline - Date.now();
      if (this.exited || left <= 0) {
        this.kill();
        const why = this.exited ? 'exited' : `gave no "${type}" within ${timeoutMs} ms`;
        throw new Error(`child ${why}${this.stderr ? `; stderr: ${this.stderr.trim()}` : ''}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Send a command to the child. */
  send(m: { type: 'go' | 'stop' }): void {
    if (!this.exited) this.proc.send(m);
  }

  /** Wait for the child to exit (at most `timeoutMs`, then SIGKILL by pid). */
  async exit(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.kill();
  }

  /** SIGKILL by pid if still running. */
  kill(): void {
    const pid = this.proc.pid;
    if (!this.exited && pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
