"""Assessment: the ``hepatoboard-assessment/1`` document and the function that builds it."""

from hepatoboard.assessment.assess import assess
from hepatoboard.assessment.model import ASSESSMENT_FORMAT, Assessment

__all__ = ["ASSESSMENT_FORMAT", "Assessment", "assess"]
