#!lua flags=no-writes
--[[
  Whether the place's session is active now, by the clock. Changes nothing.

  KEYS[1] cfg
  KEYS[2] sess
  KEYS[3] done

  ARGV[1] id
  ARGV[2] seq of the place
  ARGV[3] epoch of the place

  Returns:
    {NO_EVENT}
    {VALID, expiresAt}
    {ENDED_BY_CLOCK}    past expiresAt, swept or not
    {ENDED_BY_EXIT}
    {NO_SESSION}        no session of this place (another epoch, a waiter, a stranger)
]]
--@include "replies"
--@include "sessions"

local ev = { cfg = KEYS[1], sess = KEYS[2], done = KEYS[3] }
local id = ARGV[1]
local seq = tonumber(ARGV[2])

local epoch = redis.call('HGET', ev.cfg, 'epoch')
if not epoch then
  return { REPLY.NO_EVENT }
end
if epoch ~= ARGV[3] then
  return { REPLY.NO_SESSION }
end

local session = parseSession(redis.call('HGET', ev.sess, id))
if session and session.seq == seq then
  if isRunning(session, nowMs()) then
    return { REPLY.VALID, session.expiresAt }
  end
  return { REPLY.ENDED_BY_CLOCK }
end

local ended = parseDone(redis.call('HGET', ev.done, id))
if ended and ended.seq == seq then
  return { ended.kind == 'X' and REPLY.ENDED_BY_EXIT or REPLY.ENDED_BY_CLOCK }
end
return { REPLY.NO_SESSION }
