import { describe, expect, it } from 'vitest';
import { AuthRefusals, refusalCause } from './auth-refusals.js';

function setUp() {
  let now = 0;
  const lines: { fields: Record<string, unknown>; msg: string }[] = [];
  const log = { error: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }) };
  const r = new AuthRefusals(() => now, { baseMs: 1000, maxMs: 8000, logEveryMs: 60_000 });
  return { r, lines, log, at: (ms: number) => (now = ms) };
}

describe('AuthRefusals', () => {
  it('backs off 1 s doubling to the cap; refusals of one round count once; a success resets', () => {
    const { r, log, at } = setUp();
    expect(r.holdMs()).toBe(0);
    expect(r.refused(401, 'x', 'POST h', log)).toBe(1000);
    at(400);
    expect(r.refused(401, 'x', 'POST h', log)).toBe(600);
    expect(r.holdMs()).toBe(600);
    at(1000);
    expect(r.holdMs()).toBe(0);
    expect(r.refused(401, 'x', 'POST h', log)).toBe(2000);
    at(3000);
    expect(r.refused(401, 'x', 'POST h', log)).toBe(4000);
    at(7000);
    expect(r.refused(401, 'x', 'POST h', log)).toBe(8000);
    at(15_000);
    expect(r.refused(401, 'x', 'POST h', log)).toBe(8000);
    r.accepted();
    expect(r.holdMs()).toBe(0);
    expect(r.refused(401, 'x', 'POST h', log)).toBe(1000);
  });

  it('logs one error per interval with the likely cause and how many jobs were held', () => {
    const { r, lines, log, at } = setUp();
    r.refused(401, 'signature does not match any accepted secret', 'POST https://h/p', log);
    at(500);
    r.holdMs();
    r.holdMs();
    at(2000);
    r.refused(401, 'signature does not match any accepted secret', 'POST https://h/p', log);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toMatch(/^POST https:\/\/h\/p refused the dispatcher \(401: signature does not match/);
    expect(lines[0]?.msg).toMatch(/likely cause: secret mismatch/);
    at(60_000);
    r.refused(401, 'signature does not match any accepted secret', 'POST https://h/p', log);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.fields).toMatchObject({ status: 401, jobsHeld: 4 });
  });

  it('names clock skew, a gateway (403) or either', () => {
    expect(refusalCause(401, 'timestamp is 400 s away from now (tolerance 300 s)')).toMatch(/^clock skew/);
    expect(refusalCause(401, 'signature does not match any accepted secret')).toMatch(/^secret mismatch/);
    expect(refusalCause(403, 'Forbidden')).toMatch(/API gateway/);
    expect(refusalCause(401, 'HTTP 401')).toMatch(/secret mismatch .* or clock skew/);
  });
});
