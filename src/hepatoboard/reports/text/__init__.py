"""The terminal report (rich): :func:`print_report`, :func:`render`."""

from hepatoboard.reports.text.assessment import print_report, render

__all__ = ["print_report", "render"]
