import { defineJob } from '@sluice/core';
export const email = defineJob({ name: 'email', handler: () => {} });
export default [email, defineJob({ name: 'sms', handler: () => {} })];
