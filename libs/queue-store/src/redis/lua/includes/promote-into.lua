--[[
  Admits waiters into free slots in arrival order: O(free * log N), never O(line).
  Pops heads with ZPOPMIN sized to what is still needed, at most `max` pops in all, so one call
  stays short (the scheduler's batch; EXIT_PROMOTE_MAX for an exit). A popped head of a closed
  place is removed, a stale one abandoned (neither uses a slot), the others admitted: waiterFate's
  order, over heartbeats read in one ZMSCORE per chunk. Only an event that admits() admits.

  The admissions of one ZPOPMIN are written together, one command per key for the whole chunk
  (ZREM seen, ZADD active, HSET sess, HDEL tok) and the counters once per call: the same
  writes as `admit` makes one user at a time, in a third of the commands. The journal keeps one
  entry per user, in pop order.
  ev: the script's key table (wait, seen, active, sess, tok, stats, log) and the epoch.
  Returns admitted, abandoned.
]]
--@include "event-status"
--@include "config"
--@include "waiters"
--@include "sessions"

-- Heads per ZPOPMIN: bounds the argument lists handed to unpack (Lua's stack is 8,000 slots).
-- A limit of Lua's, not a rule of the queue (it splits pops, never changes who is admitted), so
-- it stays here rather than in TypeScript.
local PROMOTE_CHUNK = 1000

local function promoteInto(ev, cfg, now, max, rateBucketMs)
  local admitted, abandoned, pops = 0, 0, 0
  if not admits(cfg.status) then
    return admitted, abandoned
  end
  local free = cfg.limitCnt - redis.call('ZCARD', ev.active)
  local expiresAt = now + cfg.sessionTtlMs
  local sessionTail = ':' .. int(now) .. ':' .. int(expiresAt)
  while admitted < free and pops < max do
    local heads = redis.call('ZPOPMIN', ev.wait, math.min(free - admitted, max - pops, PROMOTE_CHUNK))
    if #heads == 0 then
      break
    end
    local ids = {}
    for i = 1, #heads, 2 do
      ids[#ids + 1] = heads[i]
    end
    local lastSeen = redis.call('ZMSCORE', ev.seen, unpack(ids))
    local admittedIds, activeArgs, sessArgs = {}, {}, {}
    for i = 1, #ids do
      local id, seq = ids[i], tonumber(heads[2 * i])
      pops = pops + 1
      if isClosedPlace(cfg, seq) then
        removeWaiter(ev, id, seq)
      elseif isStale(cfg, tonumber(lastSeen[i]), now) then
        abandonWaiter(ev, id, seq)
        abandoned = abandoned + 1
      else
        admittedIds[#admittedIds + 1] = id
        activeArgs[#activeArgs + 1] = expiresAt
        activeArgs[#activeArgs + 1] = id
        sessArgs[#sessArgs + 1] = id
        sessArgs[#sessArgs + 1] = int(seq) .. sessionTail
        journal(ev, 'user.admitted', id, admittedPayload(ev, seq, now, expiresAt, 'false'))
      end
    end
    if #admittedIds > 0 then
      redis.call('ZREM', ev.seen, unpack(admittedIds))
      redis.call('ZADD', ev.active, unpack(activeArgs))
      redis.call('HSET', ev.sess, unpack(sessArgs))
      redis.call('HDEL', ev.tok, unpack(admittedIds))
      admitted = admitted + #admittedIds
    end
  end
  if admitted > 0 then
    countAdmissions(ev, admitted, now, rateBucketMs)
  end
  return admitted, abandoned
end
