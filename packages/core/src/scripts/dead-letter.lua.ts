import { FENCE, NOW_MS } from './fence.lua.js';

/**
 * dead-letter: move a job that cannot or may not run again to the dead-letter stream (fenced):
 * XACK + XDEL + XADD dead with the reason, stamped with the server's time.
 * KEYS[1] stream, KEYS[2] dead
 * ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] deliveries, ARGV[5..] dead entry fields (flat)
 * Returns {1, dead entry id} done, or {LeaseLost code}.
 */
export default `${FENCE}${NOW_MS}
local ok = fence(KEYS[1], ARGV[1], ARGV[3], ARGV[2], ARGV[4])
if ok ~= 1 then return {ok} end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
fields[#fields + 1] = 'deadAt'
fields[#fields + 1] = tostring(now_ms())
fields[#fields + 1] = 'entryId'
fields[#fields + 1] = ARGV[3]
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
local deadId = redis.call('XADD', KEYS[2], '*', unpack(fields))
return {1, deadId}
`;
