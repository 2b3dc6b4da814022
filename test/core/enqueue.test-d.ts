/** Compile-time proof that enqueue is checked against the job's payload type. */
import { type AnyJob, defineJob, type EnqueueResult, type JobInput, type Sluice } from '@sluice/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const sendEmail = defineJob({
  name: 'send-email',
  schema: z.object({ to: z.string().email(), subject: z.string().optional() }),
  handler: async (payload) => {
    expectTypeOf(payload).toEqualTypeOf<{ to: string; subject?: string | undefined }>();
  },
});

const resize = defineJob({
  name: 'resize',
  handler: async (payload: { url: string; width: number }, ctx) => {
    expectTypeOf(ctx.attempt).toEqualTypeOf<number>();
    return payload.width;
  },
});

declare const sluice: Sluice;

describe('enqueue types', () => {
  it('keeps the literal name and the payload type', () => {
    expectTypeOf(sendEmail.name).toEqualTypeOf<'send-email'>();
    expectTypeOf<JobInput<typeof sendEmail>>().toEqualTypeOf<{ to: string; subject?: string | undefined }>();
    expectTypeOf<JobInput<typeof resize>>().toEqualTypeOf<{ url: string; width: number }>();
    expectTypeOf(resize).toExtend<AnyJob>();
  });

  it('accepts the right payload and rejects a wrong one', () => {
    expectTypeOf(sluice.enqueue(sendEmail, { to: 'a@b.c' })).resolves.toEqualTypeOf<EnqueueResult>();
    // @ts-expect-error: `to` must be a string
    sluice.enqueue(sendEmail, { to: 1 });
    // @ts-expect-error: `width` is missing
    sluice.enqueue(resize, { url: 'x' });
    // @ts-expect-error: every payload of a batch is checked
    sluice.enqueueMany(resize, [{ url: 'x', width: 1 }, { url: 'y' }]);
    sluice.enqueueMany(resize, [{ url: 'x', width: 1 }]);
    // by name: untyped on purpose
    sluice.enqueue('send-email', { anything: true });
  });
});
