import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SCRIPTS } from './index.js';
import type { LuaScript } from './lua-script.js';
import { sha1Hex } from './sha1.js';

const nodeSha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

describe('sha1Hex', () => {
  it('matches node:crypto at every padding boundary and for multi-byte text', () => {
    const texts = ['', 'abc', 'é€😀'.repeat(40), 'local a = KEYS[1]\n'.repeat(900)];
    for (let n = 50; n <= 130; n++) texts.push('x'.repeat(n));
    for (const t of texts) expect(sha1Hex(t), `length ${t.length}`).toBe(nodeSha1(t));
  });

  it('gives every script the SHA1 Redis gives its source', () => {
    for (const s of Object.values(SCRIPTS) as LuaScript[]) expect(s.sha, s.name).toBe(nodeSha1(s.source));
  });
});
