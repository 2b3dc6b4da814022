/**
 * @sluice/dashboard/node: serve the dashboard on node:http or Express. The adapter is the push handler's
 * (`@sluice/worker/fetch`): it turns the IncomingMessage into a Request (a signal aborted when the client goes
 * away, which closes an event stream) and streams the Response back. With Express, mount it before any body parser.
 */
export { type NodeListener, type NodeListenerOptions, toNodeListener } from '@sluice/worker/fetch';
