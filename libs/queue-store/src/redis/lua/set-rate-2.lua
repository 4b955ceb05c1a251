#!lua
--[[
  Second half of refreshing the admission rate: stores it and forgets the buckets that left the
  window. Does nothing when the event was dropped in between.

  KEYS[1] cfg
  KEYS[2] stats

  ARGV[1]    the rate (admissions per second), "" when unknown
  ARGV[2..n] buckets to forget

  Returns: 1, or 0 when the event has no cfg
]]
if not redis.call('HGET', KEYS[1], 'epoch') then
  return 0
end
for i = 2, #ARGV do
  redis.call('HDEL', KEYS[2], 'r:' .. ARGV[i])
end
redis.call('HSET', KEYS[2], 'rate', ARGV[1])
return 1
