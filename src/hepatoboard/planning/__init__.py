"""The multi-modal treatment planner: :func:`plan` (the whole plan, :mod:`.plan`) and
:func:`decide` (one option's status, :mod:`.decide`, where the safety rules live)."""

from hepatoboard.planning.decide import decide
from hepatoboard.planning.plan import plan
from hepatoboard.planning.result import ACTIVE, ENDORSEMENT, Decision, PlanResult

__all__ = ["ACTIVE", "ENDORSEMENT", "Decision", "PlanResult", "decide", "plan"]
