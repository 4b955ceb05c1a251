#!lua flags=no-writes
--[[
  What the event's outbox holds that is not yet in the journal: how many entries, and how old the
  oldest is on the server's clock (an entry id's first part is the server time it was added at).
  That age is what losing Redis right now would lose.

  KEYS[1] log

  Returns: {pending, lagMs}   lagMs 0 when nothing is pending
]]
--@include "clock"

local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
if not oldest then
  return { 0, 0 }
end
local addedAt = tonumber(string.match(oldest[1], '^(%d+)'))
return { redis.call('XLEN', KEYS[1]), math.max(0, nowMs() - addedAt) }
