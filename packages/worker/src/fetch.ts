/**
 * @sluice/worker/fetch: the receiving side of signed HTTP push, for any runtime with the Fetch API (Node 20,
 * edge runtimes, Bun, Deno). Imports no Node-only module and no Redis client at load time.
 */
export {
  consoleLogger,
  createFetchHandler,
  type FetchHandler,
  type FetchHandlerOptions,
  type PushBody,
} from './drivers/push/fetch-handler.js';
export { type NodeListener, type NodeListenerOptions, toNodeListener } from './drivers/push/node-adapter.js';
export { MemoryReplayCache, type MemoryReplayCacheOptions, type ReplayStore } from './drivers/push/replay-cache.js';
export { MAX_RETRY_AFTER_MS, parseRetryAfter, RetryAfterError } from './drivers/push/retry-after.js';
export {
  constantTimeEqual,
  DEFAULT_TOLERANCE_SEC,
  DELIVERY_HEADER,
  isDeliveryId,
  SIGNATURE_HEADER,
  SIGNATURE_VERSION,
  sign,
  signatureBase,
  TIMESTAMP_HEADER,
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
  verifySignature,
} from './drivers/push/signature.js';
