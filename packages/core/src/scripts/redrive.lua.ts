/**
 * redrive: move dead-lettered jobs back onto the stream with attempts reset (and their failure fields dropped).
 * KEYS[1] dead, KEYS[2] stream
 * ARGV[1..] dead entry ids
 * Returns the number of entries moved (ids not found are skipped).
 */
export default `
local keep = { id = true, name = true, data = true, enqueuedAt = true, trace = true, key = true }
local moved = 0
for _, id in ipairs(ARGV) do
  local r = redis.call('XRANGE', KEYS[1], id, id)
  local e = r[1]
  if e then
    local fields = {}
    local f = e[2]
    for i = 1, #f, 2 do
      if keep[f[i]] then fields[#fields + 1] = f[i]; fields[#fields + 1] = f[i + 1] end
    end
    fields[#fields + 1] = 'attempt'
    fields[#fields + 1] = '1'
    if #fields > 2 then
      redis.call('XADD', KEYS[2], '*', unpack(fields))
      redis.call('XDEL', KEYS[1], id)
      moved = moved + 1
    end
  end
end
return moved
`;
