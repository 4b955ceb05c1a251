#!lua
--[[
  Ends a rebuild: writes the counters, the arrival counter (above every number the journal saw, plus
  a gap for numbers handed out but never forwarded) and last the settings, which make the event
  live again; journals `queue.configured` with the lost ranges; releases the lock.

  KEYS[1] lock
  KEYS[2] cfg
  KEYS[3] seq
  KEYS[4] stats
  KEYS[5] log

  ARGV[1]  holder
  ARGV[2]  status
  ARGV[3]  limitCnt
  ARGV[4]  sessionTtlMs
  ARGV[5]  waitTimeoutMs
  ARGV[6]  pollRefusalMs
  ARGV[7]  blockReentry (1 or 0)
  ARGV[8]  version
  ARGV[9]  epoch
  ARGV[10] seq to continue from
  ARGV[11] closedSeq
  ARGV[12] lost ranges, JSON ([[from, to], ...]: seqs whose places the journal never saw)
  ARGV[13] admittedTotal
  ARGV[14] exitedTotal
  ARGV[15] expiredTotal
  ARGV[16] abandonedTotal

  Returns: 1 the event is live; 0 the lock is not the caller's (nothing written)
]]
--@include "journal"

local ev = { cfg = KEYS[2], log = KEYS[5], epoch = ARGV[9] }
if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('SET', KEYS[3], ARGV[10])
-- Only the totals there are (an absent one reads 0), as the scripts that count them write them.
local totals = { admittedTotal = ARGV[13], exitedTotal = ARGV[14], expiredTotal = ARGV[15], abandonedTotal = ARGV[16] }
for name, value in pairs(totals) do
  if tonumber(value) > 0 then
    redis.call('HSET', KEYS[4], name, value)
  end
end
redis.call('HSET', ev.cfg, 'status', ARGV[2], 'limitCnt', ARGV[3], 'sessionTtlMs', ARGV[4],
  'waitTimeoutMs', ARGV[5], 'pollRefusalMs', ARGV[6], 'blockReentry', ARGV[7], 'version', ARGV[8],
  'closedSeq', ARGV[11], 'lost', ARGV[12], 'epoch', ARGV[9])
journal(ev, 'queue.configured', '', '"closedSeq":' .. ARGV[11] .. ',"seq":' .. ARGV[10] .. ',"lost":' .. ARGV[12])
redis.call('DEL', KEYS[1])
return 1
