import fence from './fence.lua.js';

/**
 * ack: finish jobs (fenced, batched): XACK + XDEL for every entry the caller still owns.
 * KEYS[1] stream
 * ARGV[1] group, ARGV[2] consumer, then pairs: entry id, deliveries the caller was handed
 * Returns one code per pair: 1 done, or a LeaseLost code (-1 not pending, -2 other owner, -3 delivered again).
 */
export default `${fence}
local out = {}
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  local ok = fence(KEYS[1], ARGV[1], id, ARGV[2], ARGV[i + 1])
  if ok == 1 then
    redis.call('XACK', KEYS[1], ARGV[1], id)
    redis.call('XDEL', KEYS[1], id)
  end
  out[#out + 1] = ok
end
return out
`;
