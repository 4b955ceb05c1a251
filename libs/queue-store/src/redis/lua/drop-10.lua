#!lua
--[[
  Removes all queue state of an event except its journal (log), which the forwarder still drains.

  KEYS[1] cfg
  KEYS[2] seq
  KEYS[3] wait
  KEYS[4] seen
  KEYS[5] active
  KEYS[6] sess
  KEYS[7] tok
  KEYS[8] done
  KEYS[9] stats
  KEYS[10] idem

  Returns: how many keys existed
]]
return redis.call('UNLINK', unpack(KEYS))
