--[[
  Ending a waiter's place. A waiter is only its `wait` and `seen` entries.
  ev: the script's key table (wait, seen, stats, log).
]]
--@include "journal"

-- The heartbeat went stale: the waiter left.
local function abandonWaiter(ev, id, seq)
  redis.call('ZREM', ev.wait, id)
  redis.call('ZREM', ev.seen, id)
  redis.call('HINCRBY', ev.stats, 'abandonedTotal', 1)
  journal(ev.log, 'user.abandoned', id, seqPayload(seq))
end

-- The event closed after the place was taken.
local function removeWaiter(ev, id, seq)
  redis.call('ZREM', ev.wait, id)
  redis.call('ZREM', ev.seen, id)
  journal(ev.log, 'user.removed', id, '{"seq":' .. int(seq) .. ',"reason":"EVENT_CLOSED"}')
end
