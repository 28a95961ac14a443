-- wrk script: POST a distinct patient on every request (bench/load.py writes the template).
-- The seed-father case with AFP and albumin varied per request: every body is a new patient
-- for the service, which parses, scores, stages and plans it again. The prognosis model reads
-- AFP and ALBI by their published bands, so it computes the curves once per band combination
-- and reuses them for the patients it cannot tell apart (prognosis/model.py: predict).
local f = io.open(os.getenv("HB_CASE_JSON"), "r")
local template = f:read("*a")
f:close()
local token = os.getenv("HB_TOKEN")
local n = 0
request = function()
  n = n + 1
  local body = template:gsub("__AFP__", tostring(11 + n)):gsub("__ALB__", string.format("%.3f", 2.8 + (n % 1000) / 1000))
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
