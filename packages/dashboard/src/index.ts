/**
 * @sluice/dashboard: a web dashboard for Sluice queues, served by a web-standard fetch handler
 * (`createDashboard`) that mounts in Hono, Next.js, Bun and Deno as is, and in node:http / Express through
 * `toNodeListener` (also at `@sluice/dashboard/node`). The HTTP contract between the handler and the page is the
 * package's API.md; docs/dashboard.md says how to mount it, authenticate, and what an open page costs in Redis.
 */
export { createDashboard, type Dashboard } from './dashboard.js';
export { CSP } from './http.js';
export type { Overview, QueueOverview } from './live.js';
export { type NodeListener, toNodeListener } from './node.js';
export { type AuthResult, type DashboardOptions, normalizeBasePath, type Role } from './options.js';
export { DASHBOARD_VERSION } from './version.js';
