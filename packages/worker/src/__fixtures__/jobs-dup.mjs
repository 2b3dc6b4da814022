import { defineJob } from '@sluice/core';
export const email2 = defineJob({ name: 'email', handler: () => {} });
