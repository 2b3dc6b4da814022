/** Helpers of the metrics tests: scrape a metrics endpoint over HTTP and parse it strictly. */
import { type Family, parsePrometheusText } from './prom-text.js';

/** GET `path` of the endpoint at `port` on 127.0.0.1: status and body. */
export async function get(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** Scrape `/metrics` and parse it (throws on any malformed line). */
export async function scrape(port: number): Promise<Map<string, Family>> {
  const r = await get(port, '/metrics');
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}: ${r.body}`);
  if (!r.type.startsWith('text/plain; version=0.0.4')) throw new Error(`unexpected content type ${r.type}`);
  return parsePrometheusText(r.body);
}

/** Every label name used by the `sluice_*` samples. */
export function labelNames(families: Map<string, Family>): Set<string> {
  const out = new Set<string>();
  for (const f of families.values())
    if (f.name.startsWith('sluice_')) for (const s of f.samples) for (const l of Object.keys(s.labels)) out.add(l);
  return out;
}
