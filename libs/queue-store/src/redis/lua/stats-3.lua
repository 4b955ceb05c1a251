#!lua flags=no-writes
--[[
  Counts of an event, read at one instant.

  KEYS[1] wait
  KEYS[2] active
  KEYS[3] stats

  Returns: {waiting, active, admittedTotal, exitedTotal, expiredTotal, abandonedTotal}
]]
local totals = redis.call('HMGET', KEYS[3], 'admittedTotal', 'exitedTotal', 'expiredTotal', 'abandonedTotal')
return {
  redis.call('ZCARD', KEYS[1]),
  redis.call('ZCARD', KEYS[2]),
  tonumber(totals[1]) or 0,
  tonumber(totals[2]) or 0,
  tonumber(totals[3]) or 0,
  tonumber(totals[4]) or 0,
}
