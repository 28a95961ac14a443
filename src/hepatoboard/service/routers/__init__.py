"""One router per resource: health, assessments, cases, knowledge, audit, reports."""
