/**
 * cron-tick: enqueue one cron tick exactly once however many workers try: the tick is written only when it is
 * later than the last tick recorded for the job.
 * KEYS[1] stream, KEYS[2] cron key of the job
 * ARGV[1] tick epoch ms, ARGV[2] TTL ms of the record, ARGV[3..] envelope fields (flat)
 * Returns 1 when this call enqueued the tick, 0 when it was already enqueued.
 */
export default `
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[1], '*', unpack(fields))
return 1
`;
