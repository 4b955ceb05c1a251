-- wrk script of the Foyer benchmark runner (loadtest/bench/load/wrk.ts).
--
--   wrk ... -s rotate.lua URL -- poll  TICKETS_FILE
--   wrk ... -s rotate.lua URL -- enter EVENT_ID ID_PREFIX
--
-- poll:  GET with `authorization: Bearer <ticket>`, the next line of TICKETS_FILE each request
--        (every thread starts at its own offset, so threads poll different places).
-- enter: POST {"eventId": EVENT_ID, "id": <16 characters: ID_PREFIX, thread, counter>}.
-- At the end prints one line `WRK_JSON {...}` with the totals and latency percentiles (µs).

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set('threadIndex', threads)
end

local mode, tickets, position, body_start, prefix
local made = 0

function init(args)
  mode = args[1]
  if mode == 'poll' then
    tickets = {}
    for line in io.lines(args[2]) do
      if #line > 0 then tickets[#tickets + 1] = line end
    end
    position = ((threadIndex - 1) * 7919) % #tickets
  elseif mode == 'enter' then
    body_start = '{"eventId":"' .. args[2] .. '","id":"'
    prefix = args[3]
  else
    error('rotate.lua: mode must be poll or enter, got ' .. tostring(mode))
  end
end

function request()
  if mode == 'poll' then
    position = position % #tickets + 1
    return wrk.format('GET', nil, { ['authorization'] = 'Bearer ' .. tickets[position] })
  end
  made = made + 1
  local id = string.format('%s%02d%09d', prefix, threadIndex % 100, made)
  return wrk.format('POST', nil, { ['content-type'] = 'application/json' }, body_start .. id .. '"}')
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,' ..
    '"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
