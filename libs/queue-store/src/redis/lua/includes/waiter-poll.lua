--[[
  The waiter branch of a poll, shared by heartbeat-3 and poll-9: whether a place in the line still
  holds, and what a live waiter's poll does. Ending a lapsed place is in waiters, which heartbeat-3
  does not take (it has not the keys to end one, and the poll pays for every function it carries).
  ev: the script's key table (wait, seen).
]]
--@include "config"

-- What became of a place that is in the line, decided in this order: 'closed' (taken before the
-- event closed), 'stale' (no heartbeat within the wait timeout), else 'live' and its last heartbeat.
-- Changes nothing: ending the place is the caller's (heartbeat-3 lacks the keys). promoteInto
-- decides in the same order over heartbeats read in one ZMSCORE. The fates are literals, not
-- shared locals: each local a function reads is an upvalue made on every run (0.2 µs a poll).
local function waiterFate(ev, cfg, id, seq, now)
  if isClosedPlace(cfg, seq) then
    return 'closed'
  end
  local lastSeen = tonumber(redis.call('ZSCORE', ev.seen, id))
  if isStale(cfg, lastSeen, now) then
    return 'stale'
  end
  return 'live', lastSeen
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
