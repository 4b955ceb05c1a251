#!lua
--[[
  Ends up to max of each, oldest first: sessions past expiresAt, waiters whose heartbeat is older
  than the wait timeout, and waiters whose place was taken before the event closed.

  KEYS[1] cfg
  KEYS[2] wait
  KEYS[3] seen
  KEYS[4] active
  KEYS[5] sess
  KEYS[6] tok
  KEYS[7] done
  KEYS[8] stats
  KEYS[9] log

  ARGV[1] most of each kind to end

  Returns: {expired, abandoned, removed} ({0, 0, 0} when the event has no cfg)
]]
--@include "config"
--@include "waiters"
--@include "sessions"

local ev = {
  cfg = KEYS[1], wait = KEYS[2], seen = KEYS[3], active = KEYS[4], sess = KEYS[5],
  tok = KEYS[6], done = KEYS[7], stats = KEYS[8], log = KEYS[9],
}
local max = tonumber(ARGV[1])

local cfg = readConfig(ev.cfg)
if not cfg or max <= 0 then
  return { 0, 0, 0 }
end
ev.epoch = cfg.epoch
local now = nowMs()

-- What isRunning, isStale and isClosedPlace end, each read as a range (their bounds from the includes).
local ended = redis.call('ZRANGEBYSCORE', ev.active, '-inf', now, 'LIMIT', 0, max)
for i = 1, #ended do
  local id = ended[i]
  local session = parseSession(redis.call('HGET', ev.sess, id))
  endSession(ev, id, session and session.seq or 0, 'S')
end

local stale = redis.call('ZRANGEBYSCORE', ev.seen, '-inf', '(' .. int(oldestLiveHeartbeat(cfg, now)), 'LIMIT', 0, max)
for i = 1, #stale do
  local id = stale[i]
  abandonWaiter(ev, id, tonumber(redis.call('ZSCORE', ev.wait, id)) or 0)
end

local closed = {}
if cfg.closedSeq > 0 then
  closed = redis.call('ZRANGEBYSCORE', ev.wait, '-inf', int(cfg.closedSeq), 'LIMIT', 0, max, 'WITHSCORES')
  for i = 1, #closed, 2 do
    removeWaiter(ev, closed[i], tonumber(closed[i + 1]))
  end
end

return { #ended, #stale, #closed / 2 }
