#!lua
--[[
  A waiter's poll: the common case of every poll, in as few keys and calls as it takes (the
  poll is the hottest request there is). When the place is waiting and alive: a heartbeat, refused
  (changing nothing) when it comes sooner than pollRefusalMs after the last one, and the rank.
  Anything else (no such event, another epoch, a place no longer waiting, or one that a close or
  a stale heartbeat has ended) changes nothing here and answers 0: the store then runs poll-9,
  which settles and answers every case. The waiter branch is poll-9's, from the same include
  (waiter-poll: waiterFate, pollWaiter). The answer is one integer, the cheapest reply to build
  and to read; the admission rate the estimate needs comes from the process's copy of it
  (RedisQueueStore), not from here.

  KEYS[1] cfg
  KEYS[2] wait
  KEYS[3] seen

  ARGV[1] id
  ARGV[2] seq of the place
  ARGV[3] epoch of the place

  Returns: one integer
    rank            >= 1: waiting, the heartbeat taken
    -retryAfterMs   <  0: TOO_FREQUENT, nothing changed
    0                     not plainly waiting: ask poll-9
]]
--@include "clock"
--@include "waiter-poll"

local ev = { cfg = KEYS[1], wait = KEYS[2], seen = KEYS[3] }
local id = ARGV[1]
local seq = tonumber(ARGV[2])

-- isClosedPlace first: a place the close ended is known without a call (waiterFate asks again, free).
local cfg = readConfig(ev.cfg)
if not cfg or cfg.epoch ~= ARGV[3] or isClosedPlace(cfg, seq)
    or tonumber(redis.call('ZSCORE', ev.wait, id)) ~= seq then
  return 0
end
local now = nowMs()
local fate, lastSeen = waiterFate(ev, cfg, id, seq, now)
if fate ~= 'live' then
  return 0
end
return pollWaiter(ev, cfg, id, lastSeen, now)
