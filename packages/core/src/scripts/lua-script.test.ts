import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from '../connection.js';
import { SCRIPTS } from './index.js';
import { LUA_HELPERS, luaWith } from './lua-helpers.js';
import { compactLua, LuaScript } from './lua-script.js';

const scripts = Object.values(SCRIPTS) as LuaScript[];

describe('compactLua', () => {
  it('drops whole-line comments, indentation and blank lines, and keeps code and inline text', () => {
    const src = "\n-- header\nlocal a = 1 -- trailing stays\n\n  if a then\n    return '--x'\n  end\n";
    expect(compactLua(src)).toBe("local a = 1 -- trailing stays\nif a then\nreturn '--x'\nend");
  });

  it('every script is safe to compact (no multi-line strings or block comments) and is sent compacted', () => {
    for (const s of scripts) {
      expect(s.source, s.name).not.toMatch(/\[\[|\[=+\[|--\[/);
      expect(s.source, s.name).toBe(compactLua(s.source));
      expect(s.sha).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});

describe('shared Lua helpers', () => {
  it('includes each helper once, after the helpers it calls', () => {
    const src = luaWith(['fence_many', 'fence', 'call_argv', 'now_ms'], 'return 1');
    const defs = [...src.matchAll(/local function (\w+)\(/g)].map((m) => m[1]);
    expect(defs).toEqual(['fence', 'fence_many', 'call_argv', 'now_ms']);
  });

  it('every script defines every helper it calls, once, and none it does not call', () => {
    for (const s of scripts) {
      const defs = [...s.source.matchAll(/local function (\w+)\(/g)].map((m) => m[1] as string);
      expect(new Set(defs).size, s.name).toBe(defs.length);
      for (const h of LUA_HELPERS) {
        const called = new RegExp(`(?<!function )\\b${h}\\(`).test(s.source);
        expect(defs.includes(h), `${s.name}: ${h}`).toBe(called);
      }
    }
  });
});

describe('LuaScript.run', () => {
  it('sends the body (EVAL) on its first run, then its SHA1 (EVALSHA), and the body again after NOSCRIPT', async () => {
    const sent: string[][] = [];
    let flushed = false;
    const exec = {
      send: async (args: ReadonlyArray<string>) => {
        sent.push([...args]);
        if (args[0] === 'EVALSHA' && flushed) throw new Error('NOSCRIPT No matching script');
        return 'ok';
      },
    } as RedisExecutor;
    const script = new LuaScript('test', '-- a comment\n  return KEYS[1]\n');
    await script.run(exec, ['k'], ['a']);
    await script.run(exec, ['k'], ['b']);
    flushed = true;
    await script.run(exec, ['k'], ['c']);
    const body = 'return KEYS[1]';
    expect(sent).toEqual([
      ['EVAL', body, '1', 'k', 'a'],
      ['EVALSHA', createHash('sha1').update(body).digest('hex'), '1', 'k', 'b'],
      ['EVALSHA', createHash('sha1').update(body).digest('hex'), '1', 'k', 'c'],
      ['EVAL', body, '1', 'k', 'c'],
    ]);
  });
});
