-- Complete sign-up form POSTs, all for the same hot item. The harness passes a real CSRF cookie
-- and token (from a GET of the form) and the ids in the environment.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
dofile(os.getenv("BENCH_LUA_DIR") .. "/form.lua")
local csrf = os.getenv("BENCH_CSRF")
local day = os.getenv("BENCH_DAY")
local item = os.getenv("BENCH_ITEM")

local base_init = init
function init(args)
  base_init(args)
  math.randomseed(os.time() * 1000 + id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. csrf .. "; django_language=pl"
end

function request()
  return wrk.format(nil, nil, nil, sign_up_body(csrf, day, item, "Signup"))
end
