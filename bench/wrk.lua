-- One wrk script for every scenario of the benchmark.
--
-- bench/run.py writes a scenario file (a Lua table) and names it in
-- BENCH_SCENARIO; the result goes, as JSON, to BENCH_RESULT. The scenario
-- lists the signed-in people (session and CSRF cookies) and the requests to
-- make; each connection takes the next person and the next request in turn,
-- so 50 connections act as 50 different people.

local scenario = dofile(os.getenv("BENCH_SCENARIO"))
local result_path = os.getenv("BENCH_RESULT")

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local requests = {}
local counter = 1
counts = {}

function init(args)
   for _, person in ipairs(scenario.people) do
      for _, r in ipairs(scenario.requests) do
         local headers = {
            ["Host"] = scenario.host,
            ["X-Forwarded-Proto"] = "https",
            ["Cookie"] = "sessionid=" .. person.session .. "; csrftoken=" .. person.csrf,
         }
         for k, v in pairs(r.headers or {}) do
            -- "$etag" stands for this person's own ETag (it names the user).
            headers[k] = (string.gsub(v, "%$etag", function() return person.etag end))
         end
         local body = nil
         if r.body then
            body = r.body
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = person.csrf
            headers["Origin"] = "https://" .. scenario.host
         end
         table.insert(requests, wrk.format(r.method or "GET", r.path, headers, body))
      end
   end
   -- Threads start at different people, so that together they cover the room.
   counter = (id * 7919) % #requests + 1
end

function request()
   local r = requests[counter]
   counter = counter % #requests + 1
   return r
end

function response(status, headers, body)
   local key = tostring(status)
   counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests_)
   local statuses = {}
   for _, thread in ipairs(threads) do
      local c = thread:get("counts")
      for k, v in pairs(c) do statuses[k] = (statuses[k] or 0) + v end
   end
   local parts = {}
   for k, v in pairs(statuses) do table.insert(parts, string.format('"%s": %d', k, v)) end
   local e = summary.errors
   local f = io.open(result_path, "w")
   f:write(string.format(
      '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(95),
      latency:percentile(99), latency.mean, latency.max,
      e.connect, e.read, e.write, e.status, e.timeout,
      table.concat(parts, ", ")))
   f:close()
end
