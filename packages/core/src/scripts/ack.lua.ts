import fence from './fence.lua.js';

/**
 * ack: finish jobs (fenced, batched): XACK + XDEL of every entry the caller still owns, one XACK and one XDEL
 * per 500 entries of the batch.
 * KEYS[1] stream
 * ARGV[1] group, ARGV[2] consumer, then pairs: entry id, deliveries the caller was handed
 * Returns one code per pair: 1 done, or a LeaseLost code (-1 not pending, -2 other owner, -3 delivered again).
 */
export default `${fence}
local out, ids = {}, {}
for i = 3, #ARGV, 2 do
  local ok = fence(KEYS[1], ARGV[1], ARGV[i], ARGV[2], ARGV[i + 1])
  if ok == 1 then ids[#ids + 1] = ARGV[i] end
  out[#out + 1] = ok
end
call_chunked({'XACK', KEYS[1], ARGV[1]}, ids)
call_chunked({'XDEL', KEYS[1]}, ids)
return out
`;
