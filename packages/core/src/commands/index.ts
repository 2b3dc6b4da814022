/** Typed Redis Streams commands: pure argument builders, pure reply transforms, and executor-first functions. */
export { SluiceArgumentError } from '../errors.js';
export { assertFlag, assertName, bad, intArg, listArg, show } from './args.js';
export { assertStreamId, type IdForm, isAllowedId, isStreamId } from './ids.js';
export {
  arr,
  mapOrPairs,
  num,
  numOrNull,
  pairsOf,
  setOwn,
  str,
  strOrNull,
  toEntries,
  toEntryOrNull,
  toFields,
  toGroupEntries,
  toIds,
  UnexpectedReplyError,
  unexpected,
} from './reply.js';
export {
  type BoundXAdd,
  type CommandClient,
  clientExecutor,
  createStreams,
  type Streams,
  streamsFor,
} from './streams.js';
export type { GroupReadEntry, StreamEntry, StreamFields, StreamOffset, StreamRead } from './types.js';
export { xack, xackArgs, xackReply } from './xack.js';
export { trimArgs, type XAddFields, type XAddOptions, xadd, xaddArgs, xaddReply } from './xadd.js';
export {
  type AutoClaimIdsResult,
  type AutoClaimResult,
  type XAutoClaimOptions,
  xautoclaim,
  xautoclaimArgs,
  xautoclaimJustId,
  xautoclaimJustIdReply,
  xautoclaimReply,
} from './xautoclaim.js';
export { type XClaimOptions, xclaim, xclaimArgs, xclaimJustId, xclaimJustIdReply, xclaimReply } from './xclaim.js';
export { xdel, xdelArgs, xdelReply } from './xdel.js';
export {
  boolReply,
  isBusyGroupError,
  isNoGroupError,
  okReply,
  type XGroupCreateOptions,
  type XGroupSetIdOptions,
  xgroupArgs,
  xgroupCreate,
  xgroupCreateArgs,
  xgroupCreateConsumer,
  xgroupDelConsumer,
  xgroupDestroy,
  xgroupEnsure,
  xgroupSetId,
  xgroupSetIdArgs,
} from './xgroup.js';
export {
  type ConsumerInfo,
  type GroupInfo,
  type StreamInfo,
  xinfoConsumers,
  xinfoConsumersArgs,
  xinfoConsumersReply,
  xinfoGroups,
  xinfoGroupsArgs,
  xinfoGroupsReply,
  xinfoStream,
  xinfoStreamArgs,
  xinfoStreamReply,
} from './xinfo.js';
export { xlen, xlenArgs, xlenReply } from './xlen.js';
export {
  type PendingEntry,
  type PendingSummary,
  type XPendingRangeOptions,
  xpending,
  xpendingArgs,
  xpendingRange,
  xpendingRangeArgs,
  xpendingRangeReply,
  xpendingReply,
} from './xpending.js';
export { type XRangeOptions, xrange, xrangeArgs, xrangeReply, xrevrange, xrevrangeArgs } from './xrange.js';
export {
  countBlockArgs,
  readPairs,
  streamsArgs,
  type XReadOptions,
  xread,
  xreadArgs,
  xreadgroupReply,
  xreadReply,
} from './xread.js';
export { type XReadGroupOptions, xreadgroup, xreadgroupArgs } from './xreadgroup.js';
export { type XTrimOptions, type XTrimStrategy, xtrim, xtrimArgs, xtrimReply } from './xtrim.js';
