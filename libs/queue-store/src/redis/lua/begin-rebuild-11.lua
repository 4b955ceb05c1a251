#!lua
--[[
  Starts a rebuild of an event the store does not hold: takes the event's rebuild lock (or renews
  it for its holder) and clears whatever an earlier, interrupted attempt left. The outbox (log) is
  kept: the forwarder still owes the journal what it holds. While the lock is held and cfg is
  absent, every script answers as for an unknown event, so the app answers 503 and admits nobody.

  KEYS[1]  lock
  KEYS[2]  cfg
  KEYS[3]  seq
  KEYS[4]  wait
  KEYS[5]  seen
  KEYS[6]  active
  KEYS[7]  sess
  KEYS[8]  tok
  KEYS[9]  done
  KEYS[10] stats
  KEYS[11] idem

  ARGV[1] holder (a random token of the rebuilding process)
  ARGV[2] lease (ms): the lock lapses unless renewed, so a rebuilder that dies frees the event

  Returns: 0 begun; 1 another holder rebuilds it; 2 the store holds the event (nothing to do)
]]
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 2
end
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return 1
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('UNLINK', KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11])
return 0
