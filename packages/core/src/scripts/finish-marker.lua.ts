/**
 * finish-marker: remove a `wake` marker entry (read like a job, never run) and count it out of `wakes`.
 * Not fenced: a marker carries no work, so whoever holds it may finish it; deleting twice counts once.
 * KEYS[1] stream, KEYS[2] wake marker count
 * ARGV[1] group, ARGV[2] entry id
 * Returns 1 when this call deleted the marker, 0 when it was already gone.
 */
export default `
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
local n = redis.call('XDEL', KEYS[1], ARGV[2])
if n == 1 and redis.call('DECR', KEYS[2]) < 0 then redis.call('SET', KEYS[2], '0') end
if redis.call('XLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
return n
`;
