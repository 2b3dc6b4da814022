import { describe, expect, it } from 'vitest';
import { ExitError, formatError } from './errors.js';

describe('formatError', () => {
  it('redacts URL secrets and escapes control characters, on the line and with --verbose', () => {
    const e = new Error('cannot load https://u:hunter2@h.example/m.js?token=t0k \x1b[2Jnow', {
      cause: new Error('at redis://:pw@r:1'),
    });
    const line = formatError(e);
    expect(line).toBe('sluice: cannot load https://u:***@h.example/m.js?token=*** \\u001b[2Jnow');
    const verbose = formatError(e, true);
    for (const secret of ['hunter2', 't0k', ':pw@']) expect(verbose).not.toContain(secret);
  });

  it('prints nothing for a silent exit', () => {
    expect(formatError(new ExitError(''))).toBe('');
  });
});
