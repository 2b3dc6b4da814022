/** Shared argument checks of the stream commands. Each throws {@link SluiceArgumentError} naming the argument. */
import { SluiceArgumentError } from '../errors.js';

/** A short printable form of a bad value, for messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Throws a {@link SluiceArgumentError}: `<name> must be <expected>; got <value>`. */
export function bad(name: string, expected: string, value: unknown): never {
  throw new SluiceArgumentError(`${name} must be ${expected}; got ${show(value)}`);
}

/** Checks a key, group or consumer name: a non-empty string. */
export function assertName(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) bad(name, 'a non-empty string', value);
}

/** Checks an integer `>= min` (default 0) and returns it as a decimal string. */
export function intArg(value: unknown, name: string, min = 0): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    bad(name, min === 0 ? 'a non-negative integer' : `an integer >= ${min}`, value);
  }
  return String(value);
}

/** Checks an optional boolean flag (`undefined` allowed). */
export function assertFlag(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') bad(name, 'a boolean', value);
}

/** Checks that `value` is a non-empty list (or a single item) and returns it as an array. */
export function listArg<T>(value: T | readonly T[], name: string): readonly T[] {
  const list = Array.isArray(value) ? (value as readonly T[]) : [value as T];
  if (list.length === 0) bad(name, 'a non-empty list', value);
  return list;
}
