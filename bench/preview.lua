-- wrk script: POST the seed-father case (bench/load.py writes bench/results/case.json)
local f = io.open(os.getenv("HB_CASE_JSON"), "r")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HB_TOKEN")
