--[[
  The cached event settings (the `cfg` hash) and the rules that read them.
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

-- A place taken before the event last switched to DRAFT or CLOSED has ended.
local function isClosedPlace(cfg, seq)
  return seq <= cfg.closedSeq
end

-- A waiter whose last heartbeat is older than the wait timeout has lost the place, by the clock.
local function isStale(cfg, lastSeen, now)
  return lastSeen == nil or now - lastSeen > cfg.waitTimeoutMs
end
