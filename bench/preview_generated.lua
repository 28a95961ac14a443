-- wrk script: POST a different generated case on every request (bench/load.py writes the file:
-- one JSON case per line, synthetic registry rows of bench/cohort_data.py read as case
-- documents by hepatoboard.cohort.rows.row_to_document, every one valid). The cases differ in
-- every field the generator fills (about 10% of each left unknown), so the plans, the staging
-- and the prognostic profiles differ too; wrk cycles through the file.
local bodies = {}
for line in io.lines(os.getenv("HB_CASES_JSONL")) do
  bodies[#bodies + 1] = line
end
local token = os.getenv("HB_TOKEN")
local n = 0
request = function()
  n = n + 1
  local body = bodies[(n - 1) % #bodies + 1]
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
