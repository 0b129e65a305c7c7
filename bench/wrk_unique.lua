-- wrk script for bench/intake.py: every request is a Groove ticket_started webhook for a ticket
-- number never sent before (a repeated number would only be a duplicate, not an intake).
-- Each wrk thread has its own Lua state: thread i numbers its tickets i*10^8 + 1, 2, 3 …
-- BASE (env WRK_TICKET_BASE) keeps runs apart when several runs share one database.
local threads = {}
local base = tonumber(os.getenv("WRK_TICKET_BASE") or "0")

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  first = base + tid * 100000000
  wrk.method = "POST"
  wrk.headers["X-Groove-Event"] = "ticket_started"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  counter = counter + 1
  local n = first + counter
  local body = string.format(
    '{"number": %d, "title": "Verlängerung", "state": "unread", "href": "http://api.groovehq.com/v1/tickets/%d", ' ..
    '"links": {"customer": {"href": "http://api.groovehq.com/v1/customers/kunde%d@example.org"}}}', n, n, n)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("JSON {\"requests\": %d, \"duration_us\": %d, \"non2xx\": %d, \"connect_errors\": %d, " ..
    "\"read_errors\": %d, \"timeouts\": %d, \"p50_us\": %d, \"p99_us\": %d}\n",
    summary.requests, summary.duration, non2xx, summary.errors.connect, summary.errors.read,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
