#!lua
--[[
  The current state of a place. A waiter's poll is a heartbeat, refused (changing nothing) when it
  comes sooner than pollRefusalMs after the last one: the waiter branch of heartbeat-3 too, both
  from the waiter-poll include. Active users are not paced. A handful of O(1) / O(log N) reads and
  one ZADD; heartbeat-3 answers a live waiter's poll before this runs.

  KEYS[1] cfg
  KEYS[2] wait
  KEYS[3] seen
  KEYS[4] active
  KEYS[5] sess
  KEYS[6] tok
  KEYS[7] done
  KEYS[8] stats
  KEYS[9] log

  ARGV[1] id
  ARGV[2] seq of the place
  ARGV[3] epoch of the place

  Returns:
    {NO_EVENT}
    {TOO_FREQUENT, retryAfterMs}
    {WAIT, seq, epoch, rank, rate}   rate: admissions per second, "" or nil when unknown
    {ENTER, seq, epoch, admittedAt, expiresAt, successToken or nil}
    {BLOCK, seq, epoch}
    {EXPIRED, seq, epoch, reason}    WAIT_TIMEOUT, SESSION_ENDED, EXITED, EVENT_CLOSED, PLACE_LOST
                                     (another epoch, or a seq in a range a rebuild lost)
]]
--@include "replies"
--@include "config"
--@include "waiters"
--@include "sessions"

local ev = {
  cfg = KEYS[1], wait = KEYS[2], seen = KEYS[3], active = KEYS[4], sess = KEYS[5],
  tok = KEYS[6], done = KEYS[7], stats = KEYS[8], log = KEYS[9],
}
local id = ARGV[1]
local seq = tonumber(ARGV[2])
local epoch = ARGV[3]

local cfg = readConfig(ev.cfg)
if not cfg then
  return { REPLY.NO_EVENT }
end
ev.epoch = cfg.epoch
if cfg.epoch ~= epoch then
  return { REPLY.EXPIRED, seq, epoch, 'PLACE_LOST' }
end
local now = nowMs()

if tonumber(redis.call('ZSCORE', ev.wait, id)) == seq then
  local fate, lastSeen = waiterFate(ev, cfg, id, seq, now)
  if fate ~= 'live' then
    return { REPLY.EXPIRED, seq, epoch, endWaiter(ev, id, seq, fate) }
  end
  local rank = pollWaiter(ev, cfg, id, lastSeen, now)
  if rank < 0 then
    return { REPLY.TOO_FREQUENT, -rank }
  end
  return { REPLY.WAIT, seq, epoch, rank, redis.call('HGET', ev.stats, 'rate') }
end

local session = parseSession(redis.call('HGET', ev.sess, id))
if session and session.seq == seq then
  if isRunning(session, now) then
    return { REPLY.ENTER, seq, epoch, session.admittedAt, session.expiresAt, redis.call('HGET', ev.tok, id) }
  end
  endSession(ev, id, seq, 'S')
end

local ended = parseDone(redis.call('HGET', ev.done, id))
if ended and ended.seq == seq then
  if cfg.blockReentry then
    return { REPLY.BLOCK, seq, epoch }
  end
  return { REPLY.EXPIRED, seq, epoch, ended.kind == 'X' and 'EXITED' or 'SESSION_ENDED' }
end

-- Never journaled before the store was lost: nobody knows what became of it.
if isLostPlace(ev.cfg, seq) then
  return { REPLY.EXPIRED, seq, epoch, 'PLACE_LOST' }
end
-- The place is gone: ended by the close, or swept after its heartbeat went stale.
return { REPLY.EXPIRED, seq, epoch, isClosedPlace(cfg, seq) and 'EVENT_CLOSED' or 'WAIT_TIMEOUT' }
