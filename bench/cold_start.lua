-- wrk script for bench/cold_start.py: counts the 200 answers per 100 ms of wall-clock time and
-- prints "tenth-of-a-second count" lines when done (one wrk thread).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } cold_timespec;
  int clock_gettime(int clock, cold_timespec *now);
]]
local now = ffi.new("cold_timespec")
counts = {}

function response(status, headers, body)
  if status == 200 then
    ffi.C.clock_gettime(0, now) -- CLOCK_REALTIME, as Python's time.time()
    local tenth = tonumber(now.tv_sec) * 10 + math.floor(tonumber(now.tv_nsec) / 1e8)
    counts[tenth] = (counts[tenth] or 0) + 1
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for tenth, count in pairs(thread:get("counts")) do
      io.write(string.format("%d %d\n", tenth, count))
    end
  end
end
