/**
 * Example job definitions. Run them with `sluice worker start examples/jobs.ts`, or see demo.ts.
 */
import { defineJob, UnrecoverableError } from '@sluice/core';
import { z } from 'zod';

/** Resizes an image (here: waits a little). Fails its first attempt when `flaky` is set, to show a retry. */
export const resizeImage = defineJob({
  name: 'resize-image',
  queue: 'images',
  schema: z.object({ url: z.string().url(), width: z.number().int().positive(), flaky: z.boolean().optional() }),
  retry: { attempts: 3, backoff: { type: 'fixed', delay: 200 } },
  timeout: 5_000,
  handler: async ({ url, width, flaky }, ctx) => {
    if (flaky && ctx.attempt === 1) throw new Error(`transient error fetching ${url}`);
    await new Promise((r) => setTimeout(r, 20));
    ctx.log.info({ url, width }, 'resized');
    return { url, width };
  },
});

/** Sends an email; an address at `invalid.test` can never succeed and goes to the dead-letter stream. */
export const sendEmail = defineJob({
  name: 'send-email',
  queue: 'emails',
  schema: z.object({ to: z.string().email(), subject: z.string() }),
  handler: async ({ to }, ctx) => {
    if (to.endsWith('@invalid.test')) throw new UnrecoverableError(`no mail server for ${to}`);
    ctx.log.info({ to }, 'sent');
  },
});

/** Every example job. */
export default [resizeImage, sendEmail];
