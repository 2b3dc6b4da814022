import { describe, expect, it } from 'vitest';
import { hasCredentials, redactSecrets, redactUrl, UNPARSEABLE_URL } from './redact.js';

describe('redactUrl', () => {
  it('hides the password and keeps the user name (it names the ACL user)', () => {
    expect(redactUrl('redis://app:s3cret@db.example:6379/0')).toBe('redis://app:***@db.example:6379/0');
  });
  it('hides a user name given alone (it may be a token)', () => {
    expect(redactUrl('rediss://tok3n@db.example:6380')).toBe('rediss://***@db.example:6380');
  });
  it('hides a raw @ in the password by structure', () => {
    const out = redactUrl('redis://app:p@ss@db.example:6379');
    expect(out).toBe('redis://app:***@db.example:6379');
    expect(out).not.toContain('ss@');
  });
  it('hides every query value', () => {
    expect(redactUrl('https://h.example/hook?token=abc&v=2')).toBe('https://h.example/hook?token=***&v=***');
  });
  it('never echoes a value that does not parse (a raw / in a base64 password)', () => {
    for (const bad of [
      'redis://u:Zm9v/YmFy+==@host:6379',
      'redis://:ab/c@d@host:6379',
      'redis://u:p@ss/w@127.0.0.1:6379',
      'not a url s3cret',
    ]) {
      expect(redactUrl(bad)).toBe(UNPARSEABLE_URL);
    }
  });
  it('leaves a URL without secrets as it is', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe('redactSecrets', () => {
  it('redacts userinfo and query values of every URL in a text, up to the last @', () => {
    const text =
      'fetch failed: Request cannot be constructed from a URL that includes credentials: https://user:p/w@d@hook.example/x?token=abc&a=1#f and redis://:pw@r:1';
    const out = redactSecrets(text);
    expect(out).toBe(
      'fetch failed: Request cannot be constructed from a URL that includes credentials: https://user:***@hook.example/x?token=***&a=***#f and redis://:***@r:1',
    );
    for (const secret of ['p/w', 'd@hook', 'abc', 'pw@']) expect(out).not.toContain(secret);
  });
  it('is idempotent: redacted text stays as it is', () => {
    const once = redactSecrets('at redis://:***@h:1 and redis://app:***@h:2 and https://***@h/x?a=***');
    expect(redactSecrets(once)).toBe(once);
    expect(once).toBe('at redis://:***@h:1 and redis://app:***@h:2 and https://***@h/x?a=***');
  });
  it('leaves stack frames and paths with @ alone', () => {
    const frame = 'at x (file:///app/node_modules/@redis/client/dist/a.js:1:2) https://h.example:8080/u/@bob';
    expect(redactSecrets(frame)).toBe(frame);
  });
  it('returns text without a URL unchanged', () => {
    const text = 'boom: the handler threw';
    expect(redactSecrets(text)).toBe(text);
  });
  it('keeps a URL without secrets', () => {
    expect(redactSecrets('POST https://h.example/hook failed: ECONNREFUSED')).toBe(
      'POST https://h.example/hook failed: ECONNREFUSED',
    );
  });
});

describe('hasCredentials', () => {
  it('is true for a user name or a password', () => {
    expect(hasCredentials(new URL('https://u@h'))).toBe(true);
    expect(hasCredentials(new URL('https://:p@h'))).toBe(true);
    expect(hasCredentials(new URL('https://h/p?x=1'))).toBe(false);
  });
});
