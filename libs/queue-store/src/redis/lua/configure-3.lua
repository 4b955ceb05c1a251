#!lua
--[[
  Writes the cached settings of an event the store holds. Never creates one: an event the store
  lacks (never built, or lost with a Redis that restarted empty) is made only by a rebuild from the
  journal (begin-rebuild-11, restore-8, finish-rebuild-5), under the event's rebuild lock.
  A switch into DRAFT or CLOSED (from another status) records closedSeq = the current seq: every
  place taken so far has ended. Journals `queue.configured` {closedSeq, epoch}, so a rebuild knows
  which places the close ended.

  KEYS[1] cfg
  KEYS[2] seq
  KEYS[3] log

  ARGV[1] status
  ARGV[2] limitCnt
  ARGV[3] sessionTtlMs
  ARGV[4] waitTimeoutMs
  ARGV[5] pollRefusalMs
  ARGV[6] blockReentry (1 or 0)
  ARGV[7] version

  Returns: 1 written; 0 when the cache already holds a newer version (a stale writer, such as a
  tick that read the row before a PATCH, must never undo the change); -1 when the store does not
  hold the event
]]
--@include "event-status"
--@include "journal"

local ev = { cfg = KEYS[1], seq = KEYS[2], log = KEYS[3] }
local status = ARGV[1]

local previous = redis.call('HMGET', ev.cfg, 'epoch', 'status', 'version', 'closedSeq')
if not previous[1] then
  return -1
end
ev.epoch = previous[1]
if tonumber(previous[3]) and tonumber(previous[3]) > tonumber(ARGV[7]) then
  return 0
end
redis.call('HSET', ev.cfg, 'status', status, 'limitCnt', ARGV[2], 'sessionTtlMs', ARGV[3],
  'waitTimeoutMs', ARGV[4], 'pollRefusalMs', ARGV[5], 'blockReentry', ARGV[6], 'version', ARGV[7])
local closedSeq = tonumber(previous[4]) or 0
if refusesEntry(status) and not refusesEntry(previous[2]) then
  closedSeq = tonumber(redis.call('GET', ev.seq) or '0')
  redis.call('HSET', ev.cfg, 'closedSeq', int(closedSeq))
end
journal(ev, 'queue.configured', '', '"closedSeq":' .. int(closedSeq))
return 1
