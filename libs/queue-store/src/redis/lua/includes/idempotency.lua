--[[
  Idempotency keys of enters, so a retried enter finds the place an earlier try took, even one
  whose answer never reached the caller (it ran after the caller gave up).
  `idem` (HASH): field <keyHash> (lowercase hex SHA-256 of the Idempotency-Key: the key is a bearer
  secret and is never stored) -> the id whose place the key took; field `id:<id>` -> that keyHash,
  so the id's next new place forgets the earlier key (hex never holds ':', so the two never meet).
  Only places under the customer's own id are written: a server-made id is derived from its key, so
  that id's own records (wait, sess, done) are the key's and cost nothing more.
  A key is kept while its place or session lives and after it ends (its retry answers the ended
  state, never a new place), until the id takes a new place or the event is dropped.
  ev: the script's key table (wait, seen, active, sess, tok, done, stats, log, idem).
]]
--@include "replies"
--@include "event-status"
--@include "waiters"
--@include "sessions"

-- Whether the id has anything in the event: a place in the line, a session, or an ended session.
local function hasRecord(ev, id)
  return redis.call('ZSCORE', ev.wait, id) ~= false or redis.call('HEXISTS', ev.sess, id) == 1
    or redis.call('HEXISTS', ev.done, id) == 1
end

-- The id whose place keyHash took, or nil for a key not seen yet. serverId: the id a server-made
-- place of this key has (the place is the key's when that id has any record).
local function keyedId(ev, keyHash, serverId)
  local recorded = redis.call('HGET', ev.idem, keyHash)
  if recorded then
    return recorded
  end
  if hasRecord(ev, serverId) then
    return serverId
  end
  return nil
end

-- A new place of id: forgets the id's earlier key, and records keyHash ('' without a key) unless
-- id is the key's server-made id. Returns whether keyHash was recorded (the journal then carries it).
local function recordKey(ev, id, keyHash, serverId)
  local field = 'id:' .. id
  local earlier = redis.call('HGET', ev.idem, field)
  if earlier then
    redis.call('HDEL', ev.idem, earlier, field)
  end
  if keyHash == '' or id == serverId then
    return false
  end
  redis.call('HSET', ev.idem, keyHash, id, field, keyHash)
  return true
end

-- The current state of what id holds, as a poll of its place would answer it, behind HELD: for an
-- enter that takes no new place (a retry with its key, a proven id on a SIGNED event). A lapsed
-- place or session is ended, journaled. A live waiter's heartbeat is taken without the poll's
-- pacing: the asker may never have had the ticket to poll with.
local function heldReply(ev, cfg, id, now)
  local waitSeq = tonumber(redis.call('ZSCORE', ev.wait, id))
  if waitSeq then
    local fate = waiterFate(ev, cfg, id, waitSeq, now)
    if fate ~= 'live' then
      return { REPLY.HELD, REPLY.EXPIRED, waitSeq, cfg.epoch, endWaiter(ev, id, waitSeq, fate) }
    end
    redis.call('ZADD', ev.seen, now, id)
    local rank = redis.call('ZRANK', ev.wait, id) + 1
    return { REPLY.HELD, REPLY.WAIT, waitSeq, cfg.epoch, rank, redis.call('HGET', ev.stats, 'rate') }
  end
  local session = parseSession(redis.call('HGET', ev.sess, id))
  if session then
    if isRunning(session, now) then
      return { REPLY.HELD, REPLY.ENTER, session.seq, cfg.epoch, session.admittedAt, session.expiresAt, redis.call('HGET', ev.tok, id) }
    end
    endSession(ev, id, session.seq, 'S')
  end
  local ended = parseDone(redis.call('HGET', ev.done, id))
  if ended then
    if cfg.blockReentry then
      return { REPLY.HELD, REPLY.BLOCK, ended.seq, cfg.epoch }
    end
    return { REPLY.HELD, REPLY.EXPIRED, ended.seq, cfg.epoch, ended.kind == 'X' and 'EXITED' or 'SESSION_ENDED' }
  end
  -- The place is gone: swept after its heartbeat went stale, or removed by a close.
  return { REPLY.HELD, REPLY.EXPIRED, 0, cfg.epoch, refusesEntry(cfg.status) and 'EVENT_CLOSED' or 'WAIT_TIMEOUT' }
end
