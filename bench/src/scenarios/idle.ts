/**
 * Scenario 5: Redis commands per second caused by one idle worker (empty queue) over a fixed window, after a
 * settling period that lets start-up commands pass. Commands run inside Lua count too (commandstats).
 */
import type { ImplName } from '../impl/types.js';
import { Admin } from '../redis.js';
import { type Ctx, rotated } from '../results.js';
import { Child } from '../spawn.js';
import { sleep } from './common.js';

/** `sluice-all`: the same worker with every wave-2 feature on (issue 19: still <= 0.1 commands/s). */
const IMPLS: readonly ImplName[] = ['raw', 'sluice', 'sluice-all', 'bullmq'];
/** Seconds between the worker being ready and the start of the window. */
const SETTLE_S = 2;

export async function idleScenario(ctx: Ctx, admin: Admin, seconds: number): Promise<void> {
  const scenario = `5. idle worker, ${seconds} s`;
  for (const impl of rotated(IMPLS, ctx.rep)) {
    await admin.reset();
    const w = new Child({ role: 'idle', impl, url: ctx.url, concurrency: 10 });
    try {
      await w.next('ready', 60_000);
      await sleep(SETTLE_S * 1000);
      await admin.resetStats();
      const a = await admin.snapshot();
      await sleep(seconds * 1000);
      const b = await admin.snapshot();
      w.send({ type: 'stop' });
      await w.next('result', 60_000);
      await w.exit();
      const calls = Admin.diff(a.calls, b.calls);
      const perS = Admin.total(calls) / seconds;
      ctx.results.add({
        scenario,
        metric: 'commands/s',
        unit: 'cmd/s',
        better: 'lower',
        impl,
        rep: ctx.rep,
        value: perS,
      });
      ctx.results.details.push({ scenario, impl, rep: ctx.rep, calls, seconds });
      ctx.log(`${scenario} ${impl}: ${perS.toFixed(3)} commands/s ${JSON.stringify(calls)}`);
    } finally {
      w.kill();
    }
  }
}
