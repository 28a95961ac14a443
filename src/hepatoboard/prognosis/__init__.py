"""Prognosis: survival with and without each treatment, with honest uncertainty.

Public entry points: :func:`predict` (numbers for the assessment) and :func:`plot_curves` (the
figure; matplotlib is imported only when it is called). Method: ``docs/prognosis.md``.
"""

from __future__ import annotations

from hepatoboard.prognosis.model import predict, warm_up
from hepatoboard.prognosis.plot import plot_curves

__all__ = ["plot_curves", "predict", "warm_up"]
