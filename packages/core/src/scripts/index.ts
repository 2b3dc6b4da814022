/**
 * The Lua scripts, one module per state transition (DESIGN.md): each holds its Lua source with a header naming
 * KEYS (concrete patterns; `sluice` is the default prefix), ARGV and return codes, its typed wrapper and its
 * result type. Every argument is a string built by the wrapper; negative codes map to {@link LeaseLost}.
 * Shared Lua lives in lua-helpers.ts, included by name.
 */
import { ackScript } from './ack.js';
import { ackKeepScript } from './ack-keep.js';
import { ackReleaseScript } from './ack-release.js';
import { cancelRunScript } from './cancel-run.js';
import { claimLanesScript } from './claim-lanes.js';
import { cronTickScript } from './cron-tick.js';
import { deadLetterScript } from './dead-letter.js';
import { emptyQueueScript } from './empty-queue.js';
import { enqueueScript } from './enqueue.js';
import { enqueueBatchScript } from './enqueue-batch.js';
import { enqueueFlowScript } from './enqueue-flow.js';
import { enqueueLaneScript } from './enqueue-lane.js';
import { finishMarkerScript } from './finish-marker.js';
import { flowStartScript } from './flow-start.js';
import { promoteJobScript, removeJobScript } from './job-control.js';
import { progressScript } from './progress.js';
import { promoteDueScript } from './promote-due.js';
import { readLanesScript } from './read-lanes.js';
import { pruneStolenScript, reapConsumerScript } from './reap-consumer.js';
import { redriveScript } from './redrive.js';
import { renewScript } from './renew.js';
import { retryLaterScript } from './retry-later.js';

export { ackDeliveries } from './ack.js';
export { encodeResult } from './ack-keep.js';
export { ackRelease } from './ack-release.js';
export { cancelRequested, cancelRun } from './cancel-run.js';
export { claimLanes } from './claim-lanes.js';
export { enqueueCronTick } from './cron-tick.js';
export { deadLetter } from './dead-letter.js';
export { emptyQueueChunk } from './empty-queue.js';
export { type EnqueueMode, runEnqueue } from './enqueue.js';
export { batchHead, runEnqueueBatch } from './enqueue-batch.js';
export { type EnqueueFlow, runEnqueueFlow } from './enqueue-flow.js';
export { laneStreams, runEnqueueLane } from './enqueue-lane.js';
export type { Delivery, Fenced, KeepCompleted } from './fenced.js';
export { finishMarker, isWakeMarker } from './finish-marker.js';
export { type FlowStart, flowStart, type StartRate, type StartScope } from './flow-start.js';
export { promoteOne, type RemoveOutcome, removeJob } from './job-control.js';
export { encodeProgress, type ProgressValue, reportProgress } from './progress.js';
export { type PromoteResult, promoteDue } from './promote-due.js';
export { type LaneRead, readLanes } from './read-lanes.js';
export { pruneStolen, reapConsumer, STOLEN_KEEP_MS } from './reap-consumer.js';
export { type RedriveOutcome, redriveDead } from './redrive.js';
export { type Renewed, renewLeases } from './renew.js';
export { retryLater } from './retry-later.js';

/** Every script, by name. */
export const SCRIPTS = {
  ack: ackScript,
  ackKeep: ackKeepScript,
  cancelRun: cancelRunScript,
  claimLanes: claimLanesScript,
  ackRelease: ackReleaseScript,
  cronTick: cronTickScript,
  deadLetter: deadLetterScript,
  emptyQueue: emptyQueueScript,
  enqueue: enqueueScript,
  enqueueBatch: enqueueBatchScript,
  enqueueLane: enqueueLaneScript,
  enqueueFlow: enqueueFlowScript,
  finishMarker: finishMarkerScript,
  progress: progressScript,
  flowStart: flowStartScript,
  promoteDue: promoteDueScript,
  promoteJob: promoteJobScript,
  readLanes: readLanesScript,
  reapConsumer: reapConsumerScript,
  pruneStolen: pruneStolenScript,
  redrive: redriveScript,
  removeJob: removeJobScript,
  renew: renewScript,
  retryLater: retryLaterScript,
} as const;
