#!lua
--[[
  Writes one chunk of a rebuilt event's state, while the caller holds the rebuild lock (renewed
  here). Waiters get a fresh heartbeat (now): they could not poll while their place was lost.

  KEYS[1] lock
  KEYS[2] cfg
  KEYS[3] wait
  KEYS[4] seen
  KEYS[5] active
  KEYS[6] sess
  KEYS[7] done
  KEYS[8] idem

  ARGV[1] holder
  ARGV[2] lease (ms)
  ARGV[3] waiters in the chunk (w)
  ARGV[4] sessions (s)
  ARGV[5] ended sessions (d)
  ARGV[6] idempotency keys (k)
  ARGV[7..] w × (id, seq), s × (id, seq, admittedAt, expiresAt), d × (id, "seq:X" or "seq:S"),
            k × (SHA-256 of an Idempotency-Key, id)

  Returns: 1 written, 0 the lock is not the caller's (lapsed, taken over, or Redis lost it again)
]]
--@include "clock"

if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local now = int(nowMs())
local counts = { tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]) }
local at = 7

-- Commands of at most BATCH items each: unpack's stack has room for about 8,000 values.
local BATCH = 500

local function eachBatch(count, width, write)
  local i = 0
  while i < count do
    local n = math.min(BATCH, count - i)
    write(at + i * width, n)
    i = i + n
  end
  at = at + count * width
end

eachBatch(counts[1], 2, function(from, n)
  local waitArgs, seenArgs = {}, {}
  for j = 0, n - 1 do
    local id, seq = ARGV[from + 2 * j], ARGV[from + 2 * j + 1]
    waitArgs[#waitArgs + 1] = seq
    waitArgs[#waitArgs + 1] = id
    seenArgs[#seenArgs + 1] = now
    seenArgs[#seenArgs + 1] = id
  end
  redis.call('ZADD', KEYS[3], unpack(waitArgs))
  redis.call('ZADD', KEYS[4], unpack(seenArgs))
end)

eachBatch(counts[2], 4, function(from, n)
  local activeArgs, sessArgs = {}, {}
  for j = 0, n - 1 do
    local k = from + 4 * j
    activeArgs[#activeArgs + 1] = ARGV[k + 3]
    activeArgs[#activeArgs + 1] = ARGV[k]
    sessArgs[#sessArgs + 1] = ARGV[k]
    sessArgs[#sessArgs + 1] = ARGV[k + 1] .. ':' .. ARGV[k + 2] .. ':' .. ARGV[k + 3]
  end
  redis.call('ZADD', KEYS[5], unpack(activeArgs))
  redis.call('HSET', KEYS[6], unpack(sessArgs))
end)

eachBatch(counts[3], 2, function(from, n)
  redis.call('HSET', KEYS[7], unpack(ARGV, from, from + 2 * n - 1))
end)

-- Both fields of includes/idempotency's recordKey: the key's hash → the id, and 'id:' .. id → the hash.
eachBatch(counts[4], 2, function(from, n)
  local idemArgs = {}
  for j = 0, n - 1 do
    local hash, id = ARGV[from + 2 * j], ARGV[from + 2 * j + 1]
    idemArgs[#idemArgs + 1] = hash
    idemArgs[#idemArgs + 1] = id
    idemArgs[#idemArgs + 1] = 'id:' .. id
    idemArgs[#idemArgs + 1] = hash
  end
  redis.call('HSET', KEYS[8], unpack(idemArgs))
end)
return 1
