import { describe, expect, it } from 'vitest';
import { decodeCatalogueEntry, describeJob, MAX_SCHEMA_BYTES, payloadJsonSchema, publishCommand } from './catalogue.js';
import { defineJob } from './define-job.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** A Standard Schema validator, with a Standard JSON Schema converter returning `json` (or throwing). */
const validator = (json?: () => unknown): StandardSchemaV1 =>
  ({
    '~standard': {
      version: 1,
      vendor: 'v',
      validate: (value: unknown) => ({ value }),
      ...(json ? { jsonSchema: { input: json, output: json } } : {}),
    },
  }) as StandardSchemaV1;

describe('payloadJsonSchema', () => {
  it("takes the validator's Standard JSON Schema of the input, draft 2020-12", () => {
    let asked: unknown;
    const s = validator(function (this: unknown, ...args: unknown[]) {
      asked = args[0];
      return { type: 'object' };
    });
    expect(payloadJsonSchema(s)).toEqual({ type: 'object' });
    expect(asked).toEqual({ target: 'draft-2020-12' });
  });
  it('gives null when there is none, it throws, it is not an object, or it is too large', () => {
    expect(payloadJsonSchema(undefined)).toBeNull();
    expect(payloadJsonSchema(validator())).toBeNull();
    expect(
      payloadJsonSchema(
        validator(() => {
          throw new Error('transforms cannot be represented');
        }),
      ),
    ).toBeNull();
    expect(payloadJsonSchema(validator(() => 'x'))).toBeNull();
    expect(payloadJsonSchema(validator(() => ({ description: 'x'.repeat(MAX_SCHEMA_BYTES) })))).toBeNull();
  });
});

describe('catalogue entries', () => {
  const job = defineJob({
    name: 'mail',
    queue: 'q',
    schema: validator(() => ({ type: 'object' })),
    retry: { attempts: 2, backoff: () => 5 },
    schedule: { cron: '* * * * *' },
    handler: () => {},
  });
  it('describes a job (a backoff function is "custom") and decodes it back', () => {
    const e = describeJob(job, 'h:1:a', 7);
    expect(e).toEqual({
      name: 'mail',
      queue: 'q',
      retry: { attempts: 2, backoff: 'custom' },
      timeout: null,
      concurrency: null,
      schedule: { cron: '* * * * *', tz: 'UTC', payload: {} },
      schema: { type: 'object' },
      schemaVendor: 'v',
      publishedAt: 7,
      publishedBy: 'h:1:a',
    });
    const cmd = publishCommand('p', [e]) as string[];
    expect(cmd.slice(0, 3)).toEqual(['HSET', 'p:catalogue', 'q mail']);
    expect(decodeCatalogueEntry('q mail', cmd[3] as string)).toEqual(e);
    expect(publishCommand('p', [])).toBeUndefined();
  });
  it('skips what does not decode or sits under another field', () => {
    const e = JSON.stringify(describeJob(job, 'c', 1));
    expect(decodeCatalogueEntry('q other', e)).toBeUndefined();
    expect(decodeCatalogueEntry('q mail', '[1]')).toBeUndefined();
    expect(decodeCatalogueEntry('q mail', 'nope')).toBeUndefined();
  });
});
