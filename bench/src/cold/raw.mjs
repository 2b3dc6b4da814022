// Cold start of the raw loop: import, connect, XREADGROUP, first handler. Prints ms since process start and the
// process's CPU time (user + system) so far.
import { createClient } from '@redis/client';

const [url, stream] = process.argv.slice(2);
const c = createClient({ url, commandOptions: { timeout: 0 } });
c.on('error', () => {});
await c.connect();
await c.sendCommand(['XGROUP', 'CREATE', stream, 'workers', '0', 'MKSTREAM']).catch((e) => {
  if (!String(e.message).startsWith('BUSYGROUP')) throw e;
});
const r = await c.sendCommand([
  'XREADGROUP',
  'GROUP',
  'workers',
  'cold',
  'COUNT',
  '1',
  'BLOCK',
  '10000',
  'STREAMS',
  stream,
  '>',
]);
const entry = r?.[stream]?.[0];
if (!entry) throw new Error('no job within 10 s');
const handler = async (data) => JSON.parse(data);
await handler(entry[1][1]);
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
process.exit(0);
