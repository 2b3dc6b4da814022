/**
 * `pnpm --filter @sluice/bench ack-history-ab`: what the history count costs the ack script, on a private
 * redis-server: the script as shipped against the same script without its `count_history` call, batches of 1 and
 * 100 deliveries, 10 alternating repetitions of 500 calls each. Prints the median round trip and the server's
 * microseconds per call (INFO commandstats, evalsha) of each (docs/decisions.md quotes them).
 */
import { Connection, GROUP, LuaScript, queueKeys, SCRIPTS } from '@sluice/core/internal';
import { Admin, startRedis } from './redis.js';

const redis = await startRedis();
const conn = await Connection.open({ url: redis.url });
const admin = await Admin.open(redis.url);
const withH = SCRIPTS.ack as LuaScript;
const noH = new LuaScript('ack-noh', withH.source.replace(/count_history\(KEYS\[#KEYS\], 'c', #ids\)/, ''));
if (noH.source === withH.source) throw new Error('replace failed');
const k = queueKeys('ab', 'q');
await conn.send(['XGROUP', 'CREATE', k.stream, GROUP, '0', 'MKSTREAM']);
async function round(s: LuaScript, batch: number, hist: boolean): Promise<number> {
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < batch; i++) sends.push(conn.send(['XADD', k.stream, '*', 'name', 'x', 'data', '{}']));
  const ids = (await Promise.all(sends)).map(String);
  await conn.send(['XREADGROUP', 'GROUP', GROUP, 'c1', 'COUNT', String(batch), 'STREAMS', k.stream, '>']);
  const args = [GROUP, 'c1', ...ids.flatMap((id) => [id, '1'])];
  const keys = hist ? [k.stream, k.history] : [k.stream];
  const t = process.hrtime.bigint();
  await s.run(conn, keys, args);
  return Number(process.hrtime.bigint() - t) / 1000;
}
for (const batch of [1, 100]) {
  const res: Record<string, number[]> = { with: [], without: [] };
  const cpu: Record<string, number> = { with: 0, without: 0 };
  for (let rep = 0; rep < 10; rep++) {
    for (const [name, s, h] of (rep % 2
      ? [
          ['without', noH, true],
          ['with', withH, true],
        ]
      : [
          ['with', withH, true],
          ['without', noH, true],
        ]) as [string, LuaScript, boolean][]) {
      await admin.resetStats();
      let total = 0;
      for (let i = 0; i < 500; i++) total += await round(s, batch, h);
      res[name]?.push(total / 500);
      const info = String(await admin.client.sendCommand(['INFO', 'commandstats']));
      const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
      cpu[name] = (cpu[name] ?? 0) + (m ? Number(m[2]) / Number(m[1]) : 0);
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]?.toFixed(1);
  console.log(
    `batch ${batch}: round trip us median with ${med(res.with ?? [])} without ${med(res.without ?? [])}; server us/call with ${(cpu.with! / 10).toFixed(1)} without ${(cpu.without! / 10).toFixed(1)}`,
  );
}
await admin.close();
await conn.close();
await redis.stop();
