--[[
  Waiters. A waiter is only its `wait` (score = seq) and `seen` (score = last heartbeat) entries.
  What became of a place in the line, what a live waiter's poll does, and how a place ends: the
  waiter branch of heartbeat-3, poll-9 and enter-10 alike.
  ev: the script's key table (wait, seen; stats and log to end a place).
]]
--@include "config"
--@include "journal"

local WAITER_LIVE, WAITER_CLOSED, WAITER_STALE = 'live', 'closed', 'stale'

-- What became of a place that is in the line, decided in this order: WAITER_CLOSED (taken before
-- the event closed), WAITER_STALE (no heartbeat within the wait timeout), else WAITER_LIVE and its
-- last heartbeat. Changes nothing: ending the place is the caller's (heartbeat-3 lacks the keys).
-- promoteInto decides in the same order over heartbeats read in one ZMSCORE.
local function waiterFate(ev, cfg, id, seq, now)
  if isClosedPlace(cfg, seq) then
    return WAITER_CLOSED
  end
  local lastSeen = tonumber(redis.call('ZSCORE', ev.seen, id))
  if isStale(cfg, lastSeen, now) then
    return WAITER_STALE
  end
  return WAITER_LIVE, lastSeen
end

-- A live waiter's poll: refused, changing nothing, when it comes sooner than pollRefusalMs after
-- the last heartbeat; else the heartbeat is taken. Returns the rank (>= 1), or -retryAfterMs (< 0).
local function pollWaiter(ev, cfg, id, lastSeen, now)
  local sinceHeartbeat = now - lastSeen
  if sinceHeartbeat < cfg.pollRefusalMs then
    return -(cfg.pollRefusalMs - sinceHeartbeat)
  end
  redis.call('ZADD', ev.seen, now, id)
  return redis.call('ZRANK', ev.wait, id) + 1
end

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

-- Ends a place that waiterFate found lapsed, journaled. Returns the reason its ticket now answers.
local function endWaiter(ev, id, seq, fate)
  if fate == WAITER_CLOSED then
    removeWaiter(ev, id, seq)
    return 'EVENT_CLOSED'
  end
  abandonWaiter(ev, id, seq)
  return 'WAIT_TIMEOUT'
end
