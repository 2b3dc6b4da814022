/**
 * @sluice/dashboard: a web dashboard for Sluice queues, served by a web-standard fetch handler
 * (`createDashboard`). The HTTP contract between the handler and the page is in the package's API.md.
 */
export const DASHBOARD_API_VERSION = 1;
