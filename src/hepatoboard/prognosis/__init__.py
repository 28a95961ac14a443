"""Prognosis: survival with and without each treatment, with honest uncertainty.

Public entry points: :func:`predict` (the prognosis document of one patient, a
:class:`~hepatoboard.prognosis.result.Prognosis`) and :func:`plot_curves` (the figure, drawn from
a stored document; matplotlib is imported only when it is called). Method: ``docs/prognosis.md``.
"""

from __future__ import annotations

from hepatoboard.prognosis.model import predict, warm_up
from hepatoboard.prognosis.plot import plot_curves
from hepatoboard.prognosis.result import Prognosis

__all__ = ["Prognosis", "plot_curves", "predict", "warm_up"]
