--[[
  Time from the Redis server clock, so every replica agrees on who expired.
]]
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Whole numbers as digits (tostring would switch to exponent notation past 14 digits).
local function int(n)
  return string.format('%d', n)
end
