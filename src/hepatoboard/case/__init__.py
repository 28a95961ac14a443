"""The patient case: model (``hepatoboard-case/1``), units and loading."""

from hepatoboard.case.load import load_case_file, load_case_text, parse_case
from hepatoboard.case.model import CASE_FORMAT, Case

__all__ = ["CASE_FORMAT", "Case", "load_case_file", "load_case_text", "parse_case"]
