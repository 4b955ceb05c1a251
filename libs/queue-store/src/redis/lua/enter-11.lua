#!lua
--[[
  Takes a new place for an id: admitted at once when the event is OPEN, nobody waits and there is
  room; else at the back of the line (a heartbeat). A lapsed place or session of the id is ended
  first, and journaled.
  With an Idempotency-Key, the key is recorded with the place in this same step (see includes/
  idempotency), so a retry of an enter that ran after its caller gave up still finds the place: the
  same key for the same id answers that place as it stands now (HELD), never a new one; the same
  key for another id is KEY_REUSED. This comes before the event's status, as a resume with the
  ticket does.

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
  KEYS[11] idem

  ARGV[1] id
  ARGV[2] keyHash: lowercase hex SHA-256 of the Idempotency-Key, '' without one
  ARGV[3] serverId: the id a server-made place of that key has, '' without a key
  ARGV[4] answerHeld: '1' when the id is proven (an idToken on a SIGNED event): a live place or
          session it holds is answered (HELD) instead of ALREADY_QUEUED

  Returns:
    {NO_EVENT}
    {KEY_REUSED}                the key took a place for another id
    {HELD, <a poll's reply>}    no new place: the state of the one held (see includes/idempotency)
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
--@include "idempotency"

local ev = {
  cfg = KEYS[1], seq = KEYS[2], wait = KEYS[3], seen = KEYS[4], active = KEYS[5],
  sess = KEYS[6], tok = KEYS[7], done = KEYS[8], stats = KEYS[9], log = KEYS[10], idem = KEYS[11],
}
local id = ARGV[1]
local keyHash = ARGV[2]
local serverId = ARGV[3]
local answerHeld = ARGV[4] == '1'

local cfg = readConfig(ev.cfg)
if not cfg then
  return { REPLY.NO_EVENT }
end
ev.epoch = cfg.epoch
local now = nowMs()

if keyHash ~= '' then
  local keyed = keyedId(ev, keyHash, serverId)
  if keyed then
    if keyed ~= id then
      return { REPLY.KEY_REUSED }
    end
    return heldReply(ev, cfg, id, now)
  end
end

if refusesEntry(cfg.status) then
  return { REPLY.NOT_OPEN, cfg.status }
end

local waitSeq = tonumber(redis.call('ZSCORE', ev.wait, id))
if waitSeq then
  local fate = waiterFate(ev, cfg, id, waitSeq, now)
  if fate == 'live' then
    if answerHeld then
      return heldReply(ev, cfg, id, now)
    end
    return { REPLY.ALREADY_QUEUED }
  end
  endWaiter(ev, id, waitSeq, fate)
end

local session = parseSession(redis.call('HGET', ev.sess, id))
if session then
  if isRunning(session, now) then
    if answerHeld then
      return heldReply(ev, cfg, id, now)
    end
    return { REPLY.ALREADY_QUEUED }
  end
  endSession(ev, id, session.seq, 'S')
end

if cfg.blockReentry and redis.call('HEXISTS', ev.done, id) == 1 then
  return { REPLY.BLOCKED }
end

local seq = redis.call('INCR', ev.seq)
local journaledKey = recordKey(ev, id, keyHash, serverId) and keyHash or ''
if admits(cfg.status) and redis.call('ZCARD', ev.wait) == 0
    and redis.call('ZCARD', ev.active) < cfg.limitCnt then
  local expiresAt = admitImmediately(ev, cfg, id, seq, now, journaledKey)
  return { REPLY.ENTER, seq, cfg.epoch, now, expiresAt }
end

redis.call('ZADD', ev.wait, seq, id)
redis.call('ZADD', ev.seen, now, id)
journal(ev, 'user.entered', id, seqPayload(seq) .. idemField(journaledKey))
local rank = redis.call('ZRANK', ev.wait, id) + 1
return { REPLY.WAIT, seq, cfg.epoch, rank, redis.call('HGET', ev.stats, 'rate') }
