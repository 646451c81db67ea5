-- wrk script for bench/receiver.bench.ts: POSTs pre-signed event bodies, one per line of a file, so every
-- request carries a distinct, validly signed event. Each wrk thread takes every n-th line (no two threads send
-- the same body); a thread that runs out starts over, and the receiver then answers duplicates, which done()
-- reports as "wrapped". With several wrk processes sharing one file (one per receiver), THREADS counts the
-- threads of all of them and FIRST is this process's first thread among them (default 0).
--   wrk -t2 -c50 -d10s -s wrk-bodies.lua http://127.0.0.1:PORT -- BODIES_FILE THREADS PATH [FIRST]

local threads = {}
local count = 0

function setup(thread)
  thread:set("tid", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads, first = args[1], tonumber(args[2]), tonumber(args[4] or "0")
  wrk.method = "POST"
  wrk.path = args[3] or "/"
  wrk.headers["Content-Type"] = "application/json"
  bodies = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == first + tid then bodies[#bodies + 1] = line end
    i = i + 1
  end
  idx = 0
  wrapped = 0
end

function request()
  idx = idx + 1
  if idx > #bodies then
    idx = 1
    wrapped = 1
  end
  return wrk.format(nil, nil, nil, bodies[idx])
end

function done(summary, latency, requests)
  local w = 0
  for _, t in ipairs(threads) do
    w = w + (t:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
      '"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,"wrapped":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, w))
end
