import { describe, expect, it } from 'vitest';
import { problemsLine, schemaChecker } from './payload-schema.js';

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { to: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['to'],
};

describe('schemaChecker', () => {
  const check = schemaChecker(schema);
  it('passes a payload that fits', () => {
    expect(check({ to: 'a', tags: ['x'] })).toEqual([]);
  });
  it('names the innermost bad values by JSON pointer', () => {
    const p = check({ to: 1, tags: ['a', 2] });
    expect(p.map((x) => x.at)).toEqual(['/to', '/tags/1']);
    expect(check({}).map((x) => x.at)).toEqual(['']);
  });
  it('says it in one line: two problems, then how many more', () => {
    expect(problemsLine([{ at: '', message: 'm0' }])).toBe('(the payload): m0');
    const many = [1, 2, 3, 4].map((i) => ({ at: `/a${i}`, message: `m${i}` }));
    expect(problemsLine(many)).toBe('/a1: m1; /a2: m2 (and 2 more)');
  });
});
