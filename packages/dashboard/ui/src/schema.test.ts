import { describe, expect, it } from 'vitest';
import { skeleton, validate } from './schema.js';

const order = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 3 },
    qty: { type: 'integer', minimum: 1 },
    kind: { enum: ['a', 'b'] },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'qty'],
  additionalProperties: false,
};

describe('validate', () => {
  it('accepts a payload that fits', () => {
    expect(validate(order, { id: 'abc', qty: 2, kind: 'a', tags: ['x'] })).toBeNull();
  });
  it('names the field that does not fit', () => {
    expect(validate(order, { qty: 2 })).toBe('payload.id is required');
    expect(validate(order, { id: 'ab', qty: 2 })).toBe('payload.id must have at least 3 characters');
    expect(validate(order, { id: 'abc', qty: 1.5 })).toBe('payload.qty must be integer; got number');
    expect(validate(order, { id: 'abc', qty: 0 })).toBe('payload.qty must be >= 1');
    expect(validate(order, { id: 'abc', qty: 1, kind: 'c' })).toBe('payload.kind must be one of "a", "b"');
    expect(validate(order, { id: 'abc', qty: 1, tags: ['x', 3] })).toBe('payload.tags[1] must be string; got integer');
    expect(validate(order, { id: 'abc', qty: 1, extra: 1 })).toBe('payload.extra is not an allowed field');
    expect(validate(order, [])).toBe('payload must be object; got array');
  });
  it('checks anyOf, oneOf and boolean schemas', () => {
    expect(validate({ anyOf: [{ type: 'string' }, { type: 'null' }] }, null)).toBeNull();
    expect(validate({ anyOf: [{ type: 'string' }, { type: 'null' }] }, 1)).toBe('payload must be string; got integer');
    expect(validate({ oneOf: [{ type: 'number' }, { type: 'integer' }] }, 1)).toBe(
      'payload matches more than one shape',
    );
    expect(validate(true, 1)).toBeNull();
    expect(validate(false, 1)).toBe('payload is not allowed');
  });
  it('ignores keywords it does not know', () => {
    expect(validate({ format: 'email', type: 'string' }, 'not an email')).toBeNull();
  });
});

describe('skeleton', () => {
  it('fills the required fields with empty values of their type', () => {
    expect(skeleton(order)).toEqual({ id: '', qty: 1 });
    expect(skeleton({ type: 'object', properties: { a: { type: 'boolean', default: true } } })).toEqual({ a: true });
    expect(skeleton(null)).toEqual({});
  });
});
