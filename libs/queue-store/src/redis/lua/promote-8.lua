#!lua
--[[
  Admits up to max waiters into free slots, in arrival order, skipping stale ones (abandoned).

  KEYS[1] cfg
  KEYS[2] wait
  KEYS[3] seen
  KEYS[4] active
  KEYS[5] sess
  KEYS[6] tok
  KEYS[7] stats
  KEYS[8] log

  ARGV[1] most waiters to pop
  ARGV[2] rate bucket width (ms)

  Returns: {admitted, abandoned} ({0, 0} when the event has no cfg)
]]
--@include "promote-into"

local ev = {
  cfg = KEYS[1], wait = KEYS[2], seen = KEYS[3], active = KEYS[4], sess = KEYS[5],
  tok = KEYS[6], stats = KEYS[7], log = KEYS[8],
}

local cfg = readConfig(ev.cfg)
if not cfg then
  return { 0, 0 }
end
ev.epoch = cfg.epoch
local admitted, abandoned = promoteInto(ev, cfg, nowMs(), tonumber(ARGV[1]), tonumber(ARGV[2]))
return { admitted, abandoned }
