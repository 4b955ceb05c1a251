#!lua
--[[
  Writes the cached settings of an event. Creates the epoch when there is none and keeps it after.
  A switch into DRAFT or CLOSED (from another status, or from no cfg) records closedSeq = the
  current seq: every place taken so far has ended.

  KEYS[1] cfg
  KEYS[2] seq

  ARGV[1] status
  ARGV[2] limitCnt
  ARGV[3] sessionTtlMs
  ARGV[4] waitTimeoutMs
  ARGV[5] pollRefusalMs
  ARGV[6] blockReentry (1 or 0)
  ARGV[7] version
  ARGV[8] epoch to create when the event has none

  Returns: 1, or 0 when the cache already holds a newer version (a stale writer, such as a tick
  that read the row before a PATCH, must never undo the change)
]]
--@include "event-status"

local ev = { cfg = KEYS[1], seq = KEYS[2] }
local status = ARGV[1]

local previous = redis.call('HMGET', ev.cfg, 'epoch', 'status', 'version')
if previous[1] and tonumber(previous[3]) and tonumber(previous[3]) > tonumber(ARGV[7]) then
  return 0
end
redis.call('HSET', ev.cfg, 'status', status, 'limitCnt', ARGV[2], 'sessionTtlMs', ARGV[3],
  'waitTimeoutMs', ARGV[4], 'pollRefusalMs', ARGV[5], 'blockReentry', ARGV[6], 'version', ARGV[7])
if not previous[1] then
  redis.call('HSET', ev.cfg, 'epoch', ARGV[8])
end
if refusesEntry(status) and not (previous[1] and refusesEntry(previous[2])) then
  redis.call('HSET', ev.cfg, 'closedSeq', redis.call('GET', ev.seq) or '0')
end
return 1
