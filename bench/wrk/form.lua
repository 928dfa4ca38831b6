-- Loaded by signup.lua and journey.lua; returns nothing. The sign-up form as a browser sends it:
-- every call has its own e-mail address and submission key.

local function uuid4()
  -- 16-bit pieces: LuaJIT's math.random takes 32-bit signed bounds.
  local r = function() return math.random(0, 0xffff) end
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    r(), r(), r(), math.random(0, 0xfff), math.random(0x8000, 0xbfff), r(), r(), r())
end

function sign_up_body(csrf, day, item, last_name)
  local key = uuid4()
  return table.concat({
    "csrfmiddlewaretoken=" .. csrf,
    "first_name=Bench", "last_name=" .. last_name,
    -- The key in the address: the warm-up and the measured run are two wrk processes.
    "email=b" .. key .. "%40example.com",
    "town=Krak%C3%B3w", "voivodeship=lesser_poland", "organisation_type=ngo",
    "accept_terms=on", "submission_key=" .. key,
    "days=" .. day, "items=" .. item,
  }, "&")
end
