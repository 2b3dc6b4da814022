/**
 * A small JSON Schema check for the enqueue form: the common keywords (type, enum, const, properties, required,
 * additionalProperties, items, min/max length, items and value, pattern, anyOf/oneOf/allOf). It finds the usual
 * mistakes before the request; the server validates again and has the last word. Hand-written because the
 * usual validators compile schemas with `new Function`, which the page's CSP (no 'unsafe-eval') forbids.
 * Unknown keywords are ignored.
 */

/** A JSON Schema object (only what is read here). */
type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(want: string, v: unknown): boolean {
  const t = typeOf(v);
  return want === t || (want === 'number' && t === 'integer');
}

const at = (path: string) => (path === '' ? 'payload' : `payload${path}`);

/** The first problem of `value` against `schema` as one line naming the field, or null when none is found. */
export function validate(schema: unknown, value: unknown, path = ''): string | null {
  if (schema === true || schema === undefined || schema === null) return null;
  if (schema === false) return `${at(path)} is not allowed`;
  if (!isObj(schema)) return null;
  const s: Schema = schema;
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(t, value)))
      return `${at(path)} must be ${types.join(' or ')}; got ${typeOf(value)}`;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return `${at(path)} must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value))
    return `${at(path)} must be ${JSON.stringify(s.const)}`;
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength)
      return `${at(path)} must have at least ${s.minLength} characters`;
    if (typeof s.maxLength === 'number' && value.length > s.maxLength)
      return `${at(path)} must have at most ${s.maxLength} characters`;
    if (typeof s.pattern === 'string') {
      try {
        if (!new RegExp(s.pattern, 'u').test(value)) return `${at(path)} must match ${s.pattern}`;
      } catch {
        // a pattern this browser cannot compile: the server checks it
      }
    }
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) return `${at(path)} must be >= ${s.minimum}`;
    if (typeof s.maximum === 'number' && value > s.maximum) return `${at(path)} must be <= ${s.maximum}`;
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum)
      return `${at(path)} must be > ${s.exclusiveMinimum}`;
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum)
      return `${at(path)} must be < ${s.exclusiveMaximum}`;
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems)
      return `${at(path)} must have at least ${s.minItems} items`;
    if (typeof s.maxItems === 'number' && value.length > s.maxItems)
      return `${at(path)} must have at most ${s.maxItems} items`;
    if (s.items !== undefined && !Array.isArray(s.items))
      for (let i = 0; i < value.length; i++) {
        const e = validate(s.items, value[i], `${path}[${i}]`);
        if (e) return e;
      }
  }
  if (isObj(value)) {
    const props = isObj(s.properties) ? s.properties : {};
    if (Array.isArray(s.required))
      for (const r of s.required)
        if (typeof r === 'string' && !(r in value)) return `${at(`${path}.${r}`)} is required`;
    for (const [k, v] of Object.entries(value)) {
      if (k in props) {
        const e = validate(props[k], v, `${path}.${k}`);
        if (e) return e;
      } else if (s.additionalProperties === false) return `${at(`${path}.${k}`)} is not an allowed field`;
      else if (isObj(s.additionalProperties)) {
        const e = validate(s.additionalProperties, v, `${path}.${k}`);
        if (e) return e;
      }
    }
  }
  if (Array.isArray(s.allOf))
    for (const sub of s.allOf) {
      const e = validate(sub, value, path);
      if (e) return e;
    }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alts = s[key];
    if (Array.isArray(alts) && alts.length > 0) {
      const errs = alts.map((sub) => validate(sub, value, path));
      const ok = errs.filter((e) => e === null).length;
      if (key === 'anyOf' ? ok === 0 : ok !== 1)
        return ok === 0
          ? (errs[0] ?? `${at(path)} matches no allowed shape`)
          : `${at(path)} matches more than one shape`;
    }
  }
  return null;
}

/** A starting payload for `schema`: required fields with empty values of their type (or the default / example). */
export function skeleton(schema: unknown): unknown {
  if (!isObj(schema)) return {};
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const t = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (t) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const out: Record<string, unknown> = {};
      const props = isObj(schema.properties) ? schema.properties : {};
      const req = Array.isArray(schema.required) ? schema.required : Object.keys(props);
      for (const k of req) if (typeof k === 'string') out[k] = skeleton(props[k]);
      return out;
    }
  }
}
