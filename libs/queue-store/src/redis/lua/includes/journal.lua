--[[
  The event's outbox: every state change appends one entry in the same script as the change.
  Fields: t (type), u (user id), d (JSON payload, always with seq).
]]
--@include "clock"

local function journal(logKey, kind, id, payload)
  redis.call('XADD', logKey, '*', 't', kind, 'u', id, 'd', payload)
end

local function seqPayload(seq)
  return '{"seq":' .. int(seq) .. '}'
end

-- The enter's key hash in the entry that records the entry, so a rebuild restores the key ('' : none).
local function idemField(keyHash)
  if keyHash == '' then
    return ''
  end
  return ',"idem":"' .. keyHash .. '"'
end
