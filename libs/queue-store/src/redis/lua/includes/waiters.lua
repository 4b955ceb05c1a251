--[[
  Waiters. A waiter is only its `wait` (score = seq) and `seen` (score = last heartbeat) entries.
  How a place in the line ends, journaled; whether it still holds is in waiter-poll.
  ev: the script's key table (wait, seen, stats, log) and the epoch.
]]
--@include "waiter-poll"
--@include "journal"

-- The heartbeat went stale: the waiter left.
local function abandonWaiter(ev, id, seq)
  redis.call('ZREM', ev.wait, id)
  redis.call('ZREM', ev.seen, id)
  redis.call('HINCRBY', ev.stats, 'abandonedTotal', 1)
  journal(ev, 'user.abandoned', id, seqPayload(seq))
end

-- The event closed after the place was taken.
local function removeWaiter(ev, id, seq)
  redis.call('ZREM', ev.wait, id)
  redis.call('ZREM', ev.seen, id)
  journal(ev, 'user.removed', id, seqPayload(seq) .. ',"reason":"EVENT_CLOSED"')
end

-- Ends a place that waiterFate found lapsed, journaled. Returns the reason its ticket now answers.
local function endWaiter(ev, id, seq, fate)
  if fate == 'closed' then
    removeWaiter(ev, id, seq)
    return 'EVENT_CLOSED'
  end
  abandonWaiter(ev, id, seq)
  return 'WAIT_TIMEOUT'
end
