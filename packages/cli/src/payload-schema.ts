/**
 * Checks a payload against the JSON Schema a worker published with its job (the catalogue), for `sluice enqueue`
 * by name. The validator is @cfworker/json-schema: small, no dependencies, drafts 4 to 2020-12, and it interprets
 * the schema rather than compiling it to code (the schema came from Redis and may be hostile; ajv would turn it
 * into a function).
 */
import { Validator } from '@cfworker/json-schema';

/** One place where a payload broke its schema. */
export interface SchemaProblem {
  /** JSON pointer of the bad value (`/to`, `/tags/1`; '' for the payload itself). */
  at: string;
  /** What was wrong. */
  message: string;
}

type Unit = { instanceLocation: string; error: string };

/** The innermost problems of a validation (a parent's "property x does not match" is left out when x says why). */
function leaves(errors: readonly Unit[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const e of errors) {
    const inner = errors.some((f) => f !== e && f.instanceLocation.startsWith(`${e.instanceLocation}/`));
    if (!inner) out.push({ at: e.instanceLocation.replace(/^#/, ''), message: e.error });
  }
  return out;
}

/**
 * A checker of payloads against `schema` (draft 2020-12 unless the schema says otherwise): returns the problems,
 * empty when the payload fits. Throws when the schema itself cannot be used.
 */
export function schemaChecker(schema: Record<string, unknown>): (payload: unknown) => SchemaProblem[] {
  const draft = String(schema.$schema ?? '').includes('draft-07') ? '7' : '2020-12';
  const v = new Validator(schema as ConstructorParameters<typeof Validator>[0], draft, false);
  return (payload) => {
    const r = v.validate(payload);
    return r.valid ? [] : leaves(r.errors);
  };
}

/** One line for the problems: the first two, then how many more. */
export function problemsLine(problems: readonly SchemaProblem[]): string {
  const shown = problems.slice(0, 2).map((p) => `${p.at || '(the payload)'}: ${p.message}`);
  const more = problems.length > 2 ? ` (and ${problems.length - 2} more)` : '';
  return `${shown.join('; ')}${more}`;
}
