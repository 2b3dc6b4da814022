/** Run a job's Standard Schema validator and turn its issues into paths a user can read. */
import { JobValidationError, type ValidationIssue } from './errors.js';
import type { StandardSchemaV1 } from './standard-schema.js';

const pathOf = (path: StandardSchemaV1.Issue['path']): string =>
  (path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.');

/** The validated value, or a {@link JobValidationError} naming every bad field. */
export async function validatePayload<I, O>(
  job: string,
  schema: StandardSchemaV1<I, O> | undefined,
  value: unknown,
): Promise<O> {
  return checkPayload(job, schema, value);
}

/**
 * Like {@link validatePayload}, but synchronous when the schema is (zod, valibot and arktype usually are):
 * returns the value, or a promise of it only for an async schema. Throws {@link JobValidationError}.
 */
export function checkPayload<I, O>(
  job: string,
  schema: StandardSchemaV1<I, O> | undefined,
  value: unknown,
): O | Promise<O> {
  if (!schema) return value as O;
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then((r) => outcome(job, r)) : outcome(job, result);
}

function outcome<O>(job: string, result: StandardSchemaV1.Result<O>): O {
  if (result.issues) {
    const issues: ValidationIssue[] = result.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
    throw new JobValidationError(job, issues.length ? issues : [{ path: '', message: 'rejected by schema' }]);
  }
  return result.value;
}
