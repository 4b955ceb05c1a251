--[[
  Admitted users: `active` (score = expiresAt), `sess` (id -> "seq:admittedAt:expiresAt"),
  `tok` (id -> successToken) and, once a session ended, `done` (id -> "seq:X" exit, "seq:S" expiry).
  ev: the script's key table (active, sess, tok, done, stats, log) and the epoch.
]]
--@include "journal"

local function parseSession(raw)
  if not raw then
    return nil
  end
  local seq, admittedAt, expiresAt = string.match(raw, '^(%d+):(%d+):(%d+)$')
  return { seq = tonumber(seq), admittedAt = tonumber(admittedAt), expiresAt = tonumber(expiresAt) }
end

-- A session runs until its expiresAt, by the clock; from expiresAt on it has ended, swept or not
-- (sweep-9 reads the same rule as a range: expiresAt up to now).
local function isRunning(session, now)
  return session.expiresAt > now
end

local function parseDone(raw)
  if not raw then
    return nil
  end
  local seq, kind = string.match(raw, '^(%d+):(%a)$')
  return { seq = tonumber(seq), kind = kind }
end

-- Counts admissions from the line (not immediate ones, which happen only while nobody waits) in
-- the total and in the admission-rate bucket of now: the rate tells waiters how fast the line moves.
local function countAdmissions(ev, count, now, rateBucketMs)
  redis.call('HINCRBY', ev.stats, 'admittedTotal', count)
  redis.call('HINCRBY', ev.stats, 'r:' .. int(math.floor(now / rateBucketMs)), count)
end

-- Admits id at once, on entering: an immediate admission, which happens only while nobody waits and
-- so is not counted in the admission rate. (Admissions from the line: promoteInto.) journaledKey:
-- the enter's recorded key hash ('' for none), journaled with it. Returns expiresAt.
local function admitImmediately(ev, cfg, id, seq, now, journaledKey)
  local expiresAt = now + cfg.sessionTtlMs
  redis.call('ZADD', ev.active, expiresAt, id)
  redis.call('HSET', ev.sess, id, int(seq) .. ':' .. int(now) .. ':' .. int(expiresAt))
  redis.call('HDEL', ev.tok, id)
  redis.call('HINCRBY', ev.stats, 'admittedTotal', 1)
  journal(ev, 'user.admitted', id, admittedPayload(ev, seq, now, expiresAt, 'true') .. idemField(journaledKey))
  return expiresAt
end

-- kind 'X': the user exited; kind 'S': the session reached expiresAt.
local function endSession(ev, id, seq, kind)
  redis.call('ZREM', ev.active, id)
  redis.call('HDEL', ev.sess, id)
  redis.call('HDEL', ev.tok, id)
  redis.call('HSET', ev.done, id, int(seq) .. ':' .. kind)
  if kind == 'X' then
    redis.call('HINCRBY', ev.stats, 'exitedTotal', 1)
    journal(ev, 'user.exited', id, seqPayload(seq))
  else
    redis.call('HINCRBY', ev.stats, 'expiredTotal', 1)
    journal(ev, 'user.expired', id, seqPayload(seq))
  end
end
