/** The version of @sluice/dashboard (kept equal to package.json by basics.test.ts). */
export const DASHBOARD_VERSION = '0.1.0';
