#!lua
--[[
  Counts one hit of a client in the current fixed window (windows aligned to multiples of
  windowMs on the Redis clock). One key per client holds its window and the count in it, so the
  key is known before the script runs and comes in through KEYS.

  KEYS[1] rl (the client's counter)

  ARGV[1] limit (hits allowed per window)
  ARGV[2] windowMs

  Returns: {allowed (1 or 0), retryAfterMs (time left in the window)}
]]
--@include "clock"

local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local now = nowMs()
local window = int(math.floor(now / windowMs))
local windowEnd = (math.floor(now / windowMs) + 1) * windowMs

local count
if redis.call('HGET', KEYS[1], 'w') == window then
  count = redis.call('HINCRBY', KEYS[1], 'n', 1)
else
  redis.call('HSET', KEYS[1], 'w', window, 'n', 1)
  count = 1
end
redis.call('PEXPIREAT', KEYS[1], int(windowEnd))
return { count <= limit and 1 or 0, windowEnd - now }
