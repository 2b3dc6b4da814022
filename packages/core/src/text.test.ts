import { describe, expect, it } from 'vitest';
import { SluiceArgumentError } from './errors.js';
import { assertJobName, assertQueueName } from './keys.js';
import { escapeControl, hasControlChars } from './text.js';

describe('escapeControl', () => {
  it('writes every control character as a visible escape that is also valid inside a JSON string', () => {
    const raw = 'a\x1b[2Jb\nc\rd\te\x07f\x7fg\x9bh\u202ei';
    const out = escapeControl(raw);
    expect(out).toBe('a\\u001b[2Jb\\nc\\rd\\te\\u0007f\\u007fg\\u009bh\\u202ei');
    expect(hasControlChars(out)).toBe(false);
    expect(JSON.parse(`"${out}"`)).toBe(raw);
  });
  it('returns text without control characters as it is', () => {
    expect(escapeControl('emails ✉ 😀 {x}')).toBe('emails ✉ 😀 {x}');
  });
});

describe('names refuse control characters', () => {
  it('queue names', () => {
    for (const bad of ['a\x1bb', 'a\x00', 'a\x9b', 'x\u202ey', 'a\x7f']) {
      expect(() => assertQueueName(bad)).toThrow(SluiceArgumentError);
      expect(() => assertQueueName(bad)).toThrow(/control characters/);
    }
    expect(() => assertQueueName('emails-é_1.x')).not.toThrow();
  });
  it('job names', () => {
    for (const bad of ['send\x1b]0;pwned\x07', 'a\nb', '', 7]) {
      expect(() => assertJobName(bad)).toThrow(/job name must be a non-empty string without control characters/);
    }
    expect(() => assertJobName('send email {v2}')).not.toThrow();
  });
});
