-- The opening rush as one visitor lives it: home → program → an item → the sign-up form → the
-- sign-up POST → the thanks page → the management page from the link, then again as a new
-- visitor. Run with as many threads as connections (-t N -c N): each thread's Lua state is one
-- visitor, carrying its CSRF cookie and its link from one step to the next.
-- Prints one JSON line: complete journeys per second, the median and p99 of each step, and every
-- unexpected answer.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
dofile(os.getenv("BENCH_LUA_DIR") .. "/form.lua")
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local STEPS = { "home", "program", "item", "form", "sign-up", "thanks", "manage" }
local EXPECTED = { ["sign-up"] = 302 }  -- every other step: 200
local day = os.getenv("BENCH_DAY")
local item = os.getenv("BENCH_ITEM")
local item_path = "/program/" .. os.getenv("BENCH_HOT_SLUG") .. "/"
-- What a browser sends: the language chosen, compressed pages.
local browser = { ["Cookie"] = "django_language=pl", ["Accept-Encoding"] = "gzip, deflate, br" }
local step, started, csrf, thanks

local base_init = init
function init(args)
  base_init(args)
  math.randomseed(os.time() * 1000 + id)
  step = 1
  journeys = 0
  failures = {}  -- "step: status" → how many
  -- Each answer as two numbers, its step and its seconds: wrk copies only flat tables between
  -- threads (thread:get).
  answers = {}
end

local function path_of(location)
  return location and (location:match("^https?://[^/]+(/.*)$") or location)
end

function request()
  local name = STEPS[step]
  started = now()
  if name == "home" then return wrk.format("GET", "/", browser)
  elseif name == "program" then return wrk.format("GET", "/program/", browser)
  elseif name == "item" then return wrk.format("GET", item_path, browser)
  elseif name == "form" then return wrk.format("GET", "/registration/", browser)
  elseif name == "sign-up" then
    return wrk.format("POST", "/registration/", {
      ["Cookie"] = "csrftoken=" .. csrf .. "; django_language=pl",
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, sign_up_body(csrf, day, item, "Journey"))
  elseif name == "thanks" then return wrk.format("GET", thanks, browser)
  else return wrk.format("GET", (thanks:gsub("/thanks/", "/manage/")), browser)
  end
end

function response(status, headers, body)
  local name = STEPS[step]
  answers[#answers + 1] = step
  answers[#answers + 1] = now() - started
  local failure
  if status ~= (EXPECTED[name] or 200) then
    failure = name .. ": " .. status
  elseif name == "form" then
    -- The form's token may be the cookie's secret itself (Django accepts either).
    csrf = (headers["Set-Cookie"] or ""):match("csrftoken=([^;]+)")
    if not csrf then failure = "form: no CSRF cookie" end
  elseif name == "sign-up" then
    thanks = path_of(headers["Location"])
    if not (thanks and thanks:find("/thanks/", 1, true)) then
      failure = "sign-up: redirected to " .. tostring(thanks)
    end
  end
  if failure then
    failures[failure] = (failures[failure] or 0) + 1
    step = 1  -- a new visitor
  elseif step == #STEPS then
    journeys = journeys + 1
    step = 1
  else
    step = step + 1
  end
end

local function percentile(values, share)
  if #values == 0 then return 0 end
  table.sort(values)
  return values[math.min(#values, math.floor(share * #values) + 1)]
end

function done(summary, latency, requests)
  local total, errors, kinds, steps = 0, 0, {}, {}
  local seen, by_step = {}, {}
  for _, name in ipairs(STEPS) do by_step[name] = {} end
  for _, thread in ipairs(threads) do
    total = total + thread:get("journeys")
    for kind, n in pairs(thread:get("failures")) do
      errors = errors + n
      if not seen[kind] then kinds[#kinds + 1] = string.format("%q", kind) end
      seen[kind] = true
    end
    local answers = thread:get("answers")
    for i = 1, #answers, 2 do table.insert(by_step[STEPS[answers[i]]], answers[i + 1]) end
  end
  for _, name in ipairs(STEPS) do
    local answers = by_step[name]
    steps[#steps + 1] = string.format('"%s": {"requests": %d, "p50_ms": %.1f, "p99_ms": %.1f}',
      name, #answers, percentile(answers, 0.50) * 1000, percentile(answers, 0.99) * 1000)
  end
  errors = errors + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'JSON {"journeys": %d, "seconds": %.3f, "rps": %.2f, "errors": %d, "error_kinds": [%s], "steps": {%s}}\n',
    total, seconds, total / seconds, errors, table.concat(kinds, ", "), table.concat(steps, ", ")))
end
