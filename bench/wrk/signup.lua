-- Complete sign-up form POSTs, all for the same hot item. The harness passes a real CSRF cookie
-- and token (from a GET of the form) and the ids in the environment; every request has its own
-- e-mail address and submission key.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local csrf = os.getenv("BENCH_CSRF")
local day = os.getenv("BENCH_DAY")
local item = os.getenv("BENCH_ITEM")

local function uuid4()
  -- 16-bit pieces: LuaJIT's math.random takes 32-bit signed bounds.
  local r = function() return math.random(0, 0xffff) end
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    r(), r(), r(), math.random(0, 0xfff), math.random(0x8000, 0xbfff), r(), r(), r())
end

local base_init = init
function init(args)
  base_init(args)
  math.randomseed(os.time() * 1000 + id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. csrf .. "; django_language=pl"
end

function request()
  local key = uuid4()
  local body = table.concat({
    "csrfmiddlewaretoken=" .. csrf,
    "first_name=Bench", "last_name=Signup",
    -- The key in the address: the warm-up and the measured run are two wrk processes.
    "email=b" .. key .. "%40example.com",
    "town=Krak%C3%B3w", "voivodeship=lesser_poland", "organisation_type=ngo",
    "accept_terms=on", "submission_key=" .. key,
    "days=" .. day, "items=" .. item,
  }, "&")
  return wrk.format(nil, nil, nil, body)
end
