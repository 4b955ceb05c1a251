--[[
  What an event's status allows: the rules of libs/domain/src/event.ts (refusesEntry, admits),
  which the memory store calls and redis-scripts.test.ts holds these to.
]]

-- DRAFT and CLOSED refuse new places and end every waiting one.
local function refusesEntry(status)
  return status == 'DRAFT' or status == 'CLOSED'
end

-- Only an OPEN event admits anyone; a PAUSED one still queues.
local function admits(status)
  return status == 'OPEN'
end
