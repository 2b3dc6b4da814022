import { CALL_CHUNKED, FENCE_MANY } from './fence.lua.js';

/**
 * ack: finish jobs (fenced, batched): XACK + XDEL of every entry the caller still owns, one XACK and one XDEL
 * per 500 entries of the batch. The fence is fence_many: one XPENDING over the batch's id range for the entries
 * the caller owns, and the single-id fence only for an entry that reply does not list.
 * KEYS[1] stream
 * ARGV[1] group, ARGV[2] consumer, then pairs: entry id, deliveries the caller was handed
 * Returns one code per pair: 1 done, or a LeaseLost code (-1 not pending, -2 other owner, -3 delivered again).
 */
export default `${FENCE_MANY}${CALL_CHUNKED}
local want, out = fence_argv(KEYS[1], ARGV[1], ARGV[2], 3)
local ids = {}
for i, ok in ipairs(out) do
  if ok == 1 then ids[#ids + 1] = want[i] end
end
call_chunked({'XACK', KEYS[1], ARGV[1]}, ids)
call_chunked({'XDEL', KEYS[1]}, ids)
return out
`;
