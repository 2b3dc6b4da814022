import { describe, expect, it } from 'vitest';
import { SCRIPTS } from './index.js';
import { compactLua, type LuaScript } from './lua-script.js';

describe('compactLua', () => {
  it('drops whole-line comments, indentation and blank lines, and keeps code and inline text', () => {
    const src = "\n-- header\nlocal a = 1 -- trailing stays\n\n  if a then\n    return '--x'\n  end\n";
    expect(compactLua(src)).toBe("local a = 1 -- trailing stays\nif a then\nreturn '--x'\nend");
  });

  it('every script is safe to compact (no multi-line strings or block comments) and is sent compacted', () => {
    for (const s of Object.values(SCRIPTS) as LuaScript[]) {
      expect(s.source, s.name).not.toMatch(/\[\[|\[=+\[|--\[/);
      expect(s.source, s.name).toBe(compactLua(s.source));
      expect(s.sha).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});
