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
  if (!schema) return value as O;
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues) {
    const issues: ValidationIssue[] = result.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
    throw new JobValidationError(job, issues.length ? issues : [{ path: '', message: 'rejected by schema' }]);
  }
  return result.value;
}
