--[[
  Reply codes, the first element of every reply that describes an outcome. Mirrored by REPLY in
  script-replies.ts (redis-scripts.test.ts checks that both say the same).
  Codes name facts, not answers: the TypeScript side turns a fact into the answer of its operation
  (a session ended by exit is ALREADY_EXITED to exit and EXITED to verify).
]]
local REPLY = {
  NO_EVENT = 0,
  NOT_OPEN = 1,
  ALREADY_QUEUED = 2,
  BLOCKED = 3,
  TOO_FREQUENT = 4,
  EXITED_NOW = 5,
  ENDED_BY_EXIT = 6,
  ENDED_BY_CLOCK = 7,
  NO_SESSION = 8,
  VALID = 9,
  KEY_REUSED = 10,
  HELD = 11,
  WAIT = 20,
  ENTER = 21,
  BLOCK = 22,
  EXPIRED = 23,
}
