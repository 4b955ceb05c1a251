#!lua
--[[
  Ends the place's session and, when the event is OPEN with room, admits the next waiters in the
  same step. A token of an earlier session never ends a later one (the seq must match).

  KEYS[1] cfg
  KEYS[2] wait
  KEYS[3] seen
  KEYS[4] active
  KEYS[5] sess
  KEYS[6] tok
  KEYS[7] done
  KEYS[8] stats
  KEYS[9] log

  ARGV[1] id
  ARGV[2] seq of the place
  ARGV[3] epoch of the place
  ARGV[4] most waiters to pop for the freed slots (EXIT_PROMOTE_MAX: exit-promotion.ts says why)
  ARGV[5] rate bucket width (ms)

  Returns:
    {NO_EVENT}
    {EXITED_NOW, admitted}
    {ENDED_BY_EXIT}     exited before
    {ENDED_BY_CLOCK}    the session reached expiresAt (ended now if it had not been yet)
    {NO_SESSION}        the place has no session (another epoch, or never admitted)
]]
--@include "replies"
--@include "promote-into"

local ev = {
  cfg = KEYS[1], wait = KEYS[2], seen = KEYS[3], active = KEYS[4], sess = KEYS[5],
  tok = KEYS[6], done = KEYS[7], stats = KEYS[8], log = KEYS[9],
}
local id = ARGV[1]
local seq = tonumber(ARGV[2])

local cfg = readConfig(ev.cfg)
if not cfg then
  return { REPLY.NO_EVENT }
end
ev.epoch = cfg.epoch
if cfg.epoch ~= ARGV[3] then
  return { REPLY.NO_SESSION }
end
local now = nowMs()

local session = parseSession(redis.call('HGET', ev.sess, id))
if session and session.seq == seq then
  if not isRunning(session, now) then
    endSession(ev, id, seq, 'S')
    return { REPLY.ENDED_BY_CLOCK }
  end
  endSession(ev, id, seq, 'X')
  local admitted = promoteInto(ev, cfg, now, tonumber(ARGV[4]), tonumber(ARGV[5]))
  return { REPLY.EXITED_NOW, admitted }
end

local ended = parseDone(redis.call('HGET', ev.done, id))
if ended and ended.seq == seq then
  return { ended.kind == 'X' and REPLY.ENDED_BY_EXIT or REPLY.ENDED_BY_CLOCK }
end
return { REPLY.NO_SESSION }
