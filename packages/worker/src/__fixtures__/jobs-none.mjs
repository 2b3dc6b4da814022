export const notAJob = { name: 'x' };
