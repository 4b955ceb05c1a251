#!lua
--[[
  A waiter's poll: the common case of every poll, in as few keys and calls as it takes (the
  poll is the hottest request there is). When the place is waiting and alive: a heartbeat, refused
  (changing nothing) when it comes sooner than pollRefusalMs after the last one, and the rank.
  Anything else (no such event, another epoch, a place no longer waiting, or one that a close or
  a stale heartbeat has ended) changes nothing here and answers NOT_WAITING: the store then runs
  poll-9, which settles and answers every case.

  KEYS[1] cfg
  KEYS[2] wait
  KEYS[3] seen
  KEYS[4] stats

  ARGV[1] id
  ARGV[2] seq of the place
  ARGV[3] epoch of the place

  Returns:
    {WAIT, rank, rate}              rate: admissions per second, "" or nil when unknown
    {TOO_FREQUENT, retryAfterMs}
    {NOT_WAITING}
]]
--@include "replies"
--@include "clock"
--@include "config"

local ev = { cfg = KEYS[1], wait = KEYS[2], seen = KEYS[3], stats = KEYS[4] }
local id = ARGV[1]
local seq = tonumber(ARGV[2])

local cfg = readConfig(ev.cfg)
if not cfg or cfg.epoch ~= ARGV[3] or isClosedPlace(cfg, seq)
    or tonumber(redis.call('ZSCORE', ev.wait, id)) ~= seq then
  return { REPLY.NOT_WAITING }
end
local now = nowMs()
local lastSeen = tonumber(redis.call('ZSCORE', ev.seen, id))
if isStale(cfg, lastSeen, now) then
  return { REPLY.NOT_WAITING }
end
if now - lastSeen < cfg.pollRefusalMs then
  return { REPLY.TOO_FREQUENT, cfg.pollRefusalMs - (now - lastSeen) }
end
redis.call('ZADD', ev.seen, now, id)
return { REPLY.WAIT, redis.call('ZRANK', ev.wait, id) + 1, redis.call('HGET', ev.stats, 'rate') }
