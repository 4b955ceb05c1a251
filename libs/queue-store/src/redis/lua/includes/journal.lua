--[[
  The event's outbox: every state change appends one entry in the same script as the change.
  Fields: t (type), u (user id, "" for an entry about the event), d (JSON payload). Every payload
  carries the event's epoch (ev.epoch, set by the script from its cfg), so a rebuild from the
  journal reads only the entries of the event's current store (an event deleted and created again
  under the same id has another epoch).
]]
--@include "clock"

-- members: the payload's JSON members, without the braces.
local function journal(ev, kind, id, members)
  local epoch = ev.epoch
  redis.call('XADD', ev.log, '*', 't', kind, 'u', id, 'd', '{' .. members .. ',"epoch":"' .. epoch .. '"}')
end

local function seqPayload(seq)
  return '"seq":' .. int(seq)
end

-- What a session's successToken is made of, so a rebuilt session answers a token with the same
-- claims: jti is `epoch.seq` (libs/tokens), iat and exp come from admittedAt and expiresAt.
local function admittedPayload(ev, seq, admittedAt, expiresAt, immediate)
  local epoch = ev.epoch
  return '"seq":' .. int(seq) .. ',"admittedAt":' .. int(admittedAt) .. ',"expiresAt":' .. int(expiresAt)
    .. ',"jti":"' .. epoch .. '.' .. int(seq) .. '","immediate":' .. immediate
end

-- The enter's key hash in the entry that records the entry, so a rebuild restores the key ('' : none).
local function idemField(keyHash)
  if keyHash == '' then
    return ''
  end
  return ',"idem":"' .. keyHash .. '"'
end
