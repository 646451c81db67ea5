-- wrk script for bench/load.bench.ts: POSTs one signed callback body (read from the file given after --).
--   wrk -t1 -c16 -d5s -s wrk-post.lua http://127.0.0.1:PORT/hooks/huawei-live -- BODY_FILE
function init(args)
  local file = io.open(args[1], "r")
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
end
