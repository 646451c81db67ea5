-- wrk script for bench/mock.bench.ts: POSTs the vendor-spec V7 create body with a distinct `app` per request
-- (WRK_PREFIX, then the thread number and a per-thread counter), so every create is a new config (201).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
local prefix = os.getenv("WRK_PREFIX") or "w"
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-auth-token"] = "bench"

function request()
  counter = counter + 1
  local body = '{"publish_domain":"publish.example.com","app":"' .. prefix .. (tid or 0) .. "-" .. counter
    .. '","notify_callback_url":"https://mycallback.example.com/record_notify",'
    .. '"notify_event_subscription":["RECORD_FILE_COMPLETE","RECORD_NEW_FILE_START"],'
    .. '"sign_type":"HMACSHA256","key":"a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"}'
  return wrk.format(nil, nil, nil, body)
end
