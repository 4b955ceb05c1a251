#!lua
--[[
  Registers again the session of a valid successToken that a rebuild could not restore (its
  admission was never forwarded to the journal before the store was lost). The caller has checked
  the token's signature; this checks that the session is the id's latest known history: no session,
  ended session or place of the id with a later seq (nor an ended one with this seq) is known, so an
  exit or expiry the journal saw is never undone. The session counts against limitCnt from now on
  (it holds a slot, even past limitCnt: it was admitted). Only events that were rebuilt do this.

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
  ARGV[4] admittedAt (ms, the token's iat)
  ARGV[5] expiresAt (ms, the token's exp)

  Returns: 1 registered; 0 not (unknown event, another epoch, never rebuilt, over by the clock, or
  the id's history says otherwise)
]]
--@include "config"
--@include "waiters"
--@include "sessions"

local ev = {
  cfg = KEYS[1], wait = KEYS[2], seen = KEYS[3], active = KEYS[4], sess = KEYS[5],
  tok = KEYS[6], done = KEYS[7], stats = KEYS[8], log = KEYS[9],
}
local id = ARGV[1]
local seq = tonumber(ARGV[2])
local admittedAt = tonumber(ARGV[4])
local expiresAt = tonumber(ARGV[5])

local cfg = readConfig(ev.cfg)
if not cfg or cfg.epoch ~= ARGV[3] or not redis.call('HGET', ev.cfg, 'lost') then
  return 0
end
ev.epoch = cfg.epoch
if expiresAt <= nowMs() then
  return 0
end
local session = parseSession(redis.call('HGET', ev.sess, id))
local ended = parseDone(redis.call('HGET', ev.done, id))
local waitSeq = tonumber(redis.call('ZSCORE', ev.wait, id))
if (session and session.seq >= seq) or (ended and ended.seq >= seq) or (waitSeq and waitSeq > seq) then
  return 0
end
-- An older session or place of the id ended before this place was taken.
if session then
  endSession(ev, id, session.seq, 'S')
end
if waitSeq and waitSeq < seq then
  abandonWaiter(ev, id, waitSeq)
elseif waitSeq then
  redis.call('ZREM', ev.wait, id)
  redis.call('ZREM', ev.seen, id)
end
redis.call('ZADD', ev.active, expiresAt, id)
redis.call('HSET', ev.sess, id, int(seq) .. ':' .. int(admittedAt) .. ':' .. int(expiresAt))
redis.call('HDEL', ev.tok, id)
redis.call('HINCRBY', ev.stats, 'admittedTotal', 1)
journal(ev, 'user.admitted', id, admittedPayload(ev, seq, admittedAt, expiresAt, 'false') .. ',"restored":true')
return 1
