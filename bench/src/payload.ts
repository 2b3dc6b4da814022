/** The 200-byte JSON payloads every scenario sends. */

/** What a bench job carries: its index, the producer's send time (epoch ms, sub-ms), and padding. */
export interface BenchPayload {
  i: number;
  t: number;
  pad: string;
}

/** Exact size of `JSON.stringify(payload)` in bytes. */
export const PAYLOAD_BYTES = 200;

/** Wall-clock time in epoch ms with sub-millisecond resolution, comparable across processes on this machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** A payload of exactly {@link PAYLOAD_BYTES} bytes of JSON. */
export function makePayload(i: number, t = nowMs()): BenchPayload {
  const p: BenchPayload = { i, t, pad: '' };
  const base = JSON.stringify(p).length;
  p.pad = 'x'.repeat(Math.max(0, PAYLOAD_BYTES - base));
  return p;
}
