#!lua
--[[
  Takes a new place for an id: admitted at once when the event is OPEN, nobody waits and there is
  room; else at the back of the line (a heartbeat). A lapsed place or session of the id is ended
  first, and journaled.

  KEYS[1]  cfg
  KEYS[2]  seq
  KEYS[3]  wait
  KEYS[4]  seen
  KEYS[5]  active
  KEYS[6]  sess
  KEYS[7]  tok
  KEYS[8]  done
  KEYS[9]  stats
  KEYS[10] log

  ARGV[1] id

  Returns:
    {NO_EVENT}
    {NOT_OPEN, status}
    {ALREADY_QUEUED}            the id holds a live place or session
    {BLOCKED}                   the event blocks re-entry and the id had a session
    {ENTER, seq, epoch, admittedAt, expiresAt}
    {WAIT, seq, epoch, rank, rate}   rate: admissions per second, "" or nil when unknown
]]
--@include "replies"
--@include "event-status"
--@include "config"
--@include "waiters"
--@include "sessions"

local ev = {
  cfg = KEYS[1], seq = KEYS[2], wait = KEYS[3], seen = KEYS[4], active = KEYS[5],
  sess = KEYS[6], tok = KEYS[7], done = KEYS[8], stats = KEYS[9], log = KEYS[10],
}
local id = ARGV[1]

local cfg = readConfig(ev.cfg)
if not cfg then
  return { REPLY.NO_EVENT }
end
ev.epoch = cfg.epoch
if refusesEntry(cfg.status) then
  return { REPLY.NOT_OPEN, cfg.status }
end
local now = nowMs()

local waitSeq = tonumber(redis.call('ZSCORE', ev.wait, id))
if waitSeq then
  local fate = waiterFate(ev, cfg, id, waitSeq, now)
  if fate == 'live' then
    return { REPLY.ALREADY_QUEUED }
  end
  endWaiter(ev, id, waitSeq, fate)
end

local session = parseSession(redis.call('HGET', ev.sess, id))
if session then
  if isRunning(session, now) then
    return { REPLY.ALREADY_QUEUED }
  end
  endSession(ev, id, session.seq, 'S')
end

if cfg.blockReentry and redis.call('HEXISTS', ev.done, id) == 1 then
  return { REPLY.BLOCKED }
end

local seq = redis.call('INCR', ev.seq)
if admits(cfg.status) and redis.call('ZCARD', ev.wait) == 0
    and redis.call('ZCARD', ev.active) < cfg.limitCnt then
  local expiresAt = admitImmediately(ev, cfg, id, seq, now)
  return { REPLY.ENTER, seq, cfg.epoch, now, expiresAt }
end

redis.call('ZADD', ev.wait, seq, id)
redis.call('ZADD', ev.seen, now, id)
journal(ev, 'user.entered', id, seqPayload(seq))
local rank = redis.call('ZRANK', ev.wait, id) + 1
return { REPLY.WAIT, seq, cfg.epoch, rank, redis.call('HGET', ev.stats, 'rate') }
