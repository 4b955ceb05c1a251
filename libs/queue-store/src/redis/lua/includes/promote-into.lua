--[[
  Admits waiters into free slots in arrival order: O(free * log N), never O(line).
  Pops heads with ZPOPMIN sized to what is still needed, at most `max` pops in all, so one call
  stays short. A popped head of a closed place is removed, a stale one abandoned (neither uses
  a slot), the others admitted. Only an OPEN event admits.
  ev: the script's key table (wait, seen, active, sess, tok, stats, log).
  Returns admitted, abandoned.
]]
--@include "config"
--@include "waiters"
--@include "sessions"

local function promoteInto(ev, cfg, now, max, rateBucketMs)
  local admitted, abandoned, pops = 0, 0, 0
  if cfg.status ~= 'OPEN' then
    return admitted, abandoned
  end
  local free = cfg.limitCnt - redis.call('ZCARD', ev.active)
  while admitted < free and pops < max do
    local heads = redis.call('ZPOPMIN', ev.wait, math.min(free - admitted, max - pops))
    if #heads == 0 then
      break
    end
    for i = 1, #heads, 2 do
      local id, seq = heads[i], tonumber(heads[i + 1])
      pops = pops + 1
      local lastSeen = tonumber(redis.call('ZSCORE', ev.seen, id))
      if isClosedPlace(cfg, seq) then
        removeWaiter(ev, id, seq)
      elseif isStale(cfg, lastSeen, now) then
        abandonWaiter(ev, id, seq)
        abandoned = abandoned + 1
      else
        redis.call('ZREM', ev.seen, id)
        admit(ev, cfg, id, seq, now, false, rateBucketMs)
        admitted = admitted + 1
      end
    end
  end
  return admitted, abandoned
end
