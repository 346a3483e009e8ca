-- wrk script: replays pre-signed raw requests (written by signing.write_requests) round-robin,
-- and prints one machine-readable summary line.
--
--   wrk -t1 -c32 -d5s -s bench/replay.lua http://127.0.0.1:PORT -- requests.bin
--
-- Each connection starts at a different offset so concurrent connections work on distinct
-- users. Non-2xx answers are counted by wrk as status errors and reported, so a harness that
-- measures 401s by mistake notices.

local requests = {}
local next_index = 1

local function load(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local nl = data:find("\n", pos, true)
    local len = tonumber(data:sub(pos, nl - 1))
    requests[#requests + 1] = data:sub(nl + 1, nl + len)
    pos = nl + len + 1
  end
end

function init(args)
  load(args[1])
  -- Threads get distinct starting points (wrk runs init once per thread).
  next_index = (math.floor(os.clock() * 1000003) % #requests) + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index + 1
  if next_index > #requests then next_index = 1 end
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d," ..
    "\"p50_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f," ..
    "\"err_connect\":%d,\"err_read\":%d,\"err_write\":%d,\"err_status\":%d,\"err_timeout\":%d}\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
