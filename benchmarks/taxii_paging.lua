-- wrk script: every wrk thread is one TAXII client on one keep-alive connection, paging through a
-- collection's objects with `next` (limit from VIGIL_PAGE, default 100) and starting again at the
-- first page when `more` is false.  Usage (see benchmarks/intel.py):
--   wrk -t20 -c20 -d60s --latency -s benchmarks/taxii_paging.lua URL -- "Authorization: ..." [limit]
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  auth = args[1]
  limit = args[2] or "100"
  cursor = nil
  passes = 0
  failures = 0
  pages = 0
  objects_seen = 0
  wrk.headers["Accept"] = "application/taxii+json;version=2.1"
  if auth and auth ~= "" then
    local name, value = string.match(auth, "^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

local function urlencode(s)
  return (string.gsub(s, "[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  local query = "?limit=" .. limit
  if cursor then
    query = query .. "&next=" .. urlencode(cursor)
  end
  return wrk.format("GET", wrk.path .. query)
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    cursor = nil
    return
  end
  pages = pages + 1
  -- count objects on the page by their "spec_version" keys (every 2.1 object carries one)
  local _, n = string.gsub(body, '"spec_version"', "")
  objects_seen = objects_seen + n
  local more = string.match(body, '"more"%s*:%s*(%a+)')
  local nxt = string.match(body, '"next"%s*:%s*"([^"]+)"')
  if more == "true" and nxt then
    cursor = nxt
  else
    cursor = nil
    passes = passes + 1
  end
end

function done(summary, latency, requests)
  local passes_total, failures_total, pages_total, objects_total = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    passes_total = passes_total + t:get("passes")
    failures_total = failures_total + t:get("failures")
    pages_total = pages_total + t:get("pages")
    objects_total = objects_total + t:get("objects_seen")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.2f requests_per_s=%.1f p50_ms=%.2f p99_ms=%.2f " ..
    "max_ms=%.2f pages_ok=%d objects=%d full_passes=%d non_200=%d socket_errors=%d timeouts=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, pages_total, objects_total, passes_total,
    failures_total, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end
