import fence from './fence.lua.js';

/**
 * renew: extend the lease of every entry the caller still owns (fenced, batched) with one
 * XCLAIM ... 0 ids JUSTID, which resets the idle time without counting a delivery.
 * KEYS[1] stream
 * ARGV[1] group, ARGV[2] consumer, then pairs: entry id, deliveries the caller was handed
 * Returns one code per pair: 1 renewed, or a LeaseLost code.
 */
export default `${fence}
local out, ids = {}, {}
for i = 3, #ARGV, 2 do
  local ok = fence(KEYS[1], ARGV[1], ARGV[i], ARGV[2], ARGV[i + 1])
  if ok == 1 then ids[#ids + 1] = ARGV[i] end
  out[#out + 1] = ok
end
if #ids > 0 then
  -- unpack() must be the last argument: in the middle of a call it yields only its first value.
  local args = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], '0'}
  for _, id in ipairs(ids) do args[#args + 1] = id end
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
end
return out
`;
