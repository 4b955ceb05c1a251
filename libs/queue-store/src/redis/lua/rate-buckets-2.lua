#!lua flags=no-writes
--[[
  First half of refreshing the admission rate: the clock and the per-bucket admission counts.
  The rule that turns them into a rate lives in TypeScript (measuredAdmissionRate), shared with
  the memory store; set-rate-2 writes the result. The rule weighs the counts against the capacity
  turnover, so the settings it needs come along.

  KEYS[1] cfg
  KEYS[2] stats

  Returns: {} when the event has no cfg, else {now, limitCnt, sessionTtlMs, bucket, count, bucket, count, ...}
]]
--@include "clock"

local cfg = redis.call('HMGET', KEYS[1], 'epoch', 'limitCnt', 'sessionTtlMs')
if not cfg[1] then
  return {}
end
local reply = { nowMs(), tonumber(cfg[2]), tonumber(cfg[3]) }
-- A handful of fields: the totals, the rate and one bucket per few seconds of the window.
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  local bucket = string.match(fields[i], '^r:(%d+)$')
  if bucket then
    reply[#reply + 1] = tonumber(bucket)
    reply[#reply + 1] = tonumber(fields[i + 1])
  end
end
return reply
