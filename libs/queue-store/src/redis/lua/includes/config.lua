--[[
  The cached event settings (the `cfg` hash) and the rules that read them, written once here for
  every script (the status rules are in event-status). The memory store's twins of isClosedPlace
  and isStale are in memory/event-queue.ts.
  An event exists in the store iff its cfg has an epoch.
]]
local function readConfig(cfgKey)
  local v = redis.call('HMGET', cfgKey, 'epoch', 'status', 'limitCnt', 'sessionTtlMs', 'waitTimeoutMs',
    'pollRefusalMs', 'blockReentry', 'closedSeq')
  if not v[1] then
    return nil
  end
  return {
    epoch = v[1],
    status = v[2],
    limitCnt = tonumber(v[3]) or 0,
    sessionTtlMs = tonumber(v[4]) or 0,
    waitTimeoutMs = tonumber(v[5]) or 0,
    pollRefusalMs = tonumber(v[6]) or 0,
    blockReentry = v[7] == '1',
    closedSeq = tonumber(v[8]) or 0,
  }
end

-- A place taken before the event last switched to DRAFT or CLOSED has ended (sweep-9 reads the
-- same rule as a range: seq up to closedSeq).
local function isClosedPlace(cfg, seq)
  return seq <= cfg.closedSeq
end

-- The oldest heartbeat that still holds a place now (sweep-9 ranges over the older ones).
local function oldestLiveHeartbeat(cfg, now)
  return now - cfg.waitTimeoutMs
end

-- A waiter whose last heartbeat is older than the wait timeout has lost the place, by the clock.
local function isStale(cfg, lastSeen, now)
  return lastSeen == nil or lastSeen < oldestLiveHeartbeat(cfg, now)
end

-- Whether seq lies in a range a rebuild could not restore: numbers handed out but never forwarded
-- to the journal before the store lost them. Read only where a place is not found (never on a
-- live poll), so the ranges stay out of readConfig.
local function isLostPlace(cfgKey, seq)
  local lost = redis.call('HGET', cfgKey, 'lost')
  if not lost then
    return false
  end
  for _, range in ipairs(cjson.decode(lost)) do
    if seq >= range[1] and seq <= range[2] then
      return true
    end
  end
  return false
end
