#!lua
--[[
  Stores the successToken of the place's session once (the first writer wins), while the session
  lasts by the clock.

  KEYS[1] cfg
  KEYS[2] sess
  KEYS[3] tok

  ARGV[1] id
  ARGV[2] seq of the place
  ARGV[3] epoch of the place
  ARGV[4] successToken

  Returns: the stored successToken, or nil when the place has no live session.
]]
--@include "config"
--@include "sessions"

local ev = { cfg = KEYS[1], sess = KEYS[2], tok = KEYS[3] }
local id = ARGV[1]

if redis.call('HGET', ev.cfg, 'epoch') ~= ARGV[3] then
  return nil
end
local session = parseSession(redis.call('HGET', ev.sess, id))
if not session or session.seq ~= tonumber(ARGV[2]) or not isRunning(session, nowMs()) then
  return nil
end
redis.call('HSETNX', ev.tok, id, ARGV[4])
return redis.call('HGET', ev.tok, id)
