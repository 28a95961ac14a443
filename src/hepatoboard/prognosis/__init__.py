"""Prognosis: survival with and without each treatment, with honest uncertainty.

Public entry points: :func:`predict` (the prognosis document of one patient, a
:class:`~hepatoboard.prognosis.result.Prognosis`) and :func:`plot_curves` (the figure, drawn from
a stored document; matplotlib is imported only when it is called). Method: ``docs/prognosis.md``.

The names are resolved lazily so that importing the document models (``prognosis.result``, used
by the assessment contract) does not load the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hepatoboard.prognosis.model import predict, warm_up
    from hepatoboard.prognosis.plot import plot_curves
    from hepatoboard.prognosis.result import Prognosis

__all__ = ["Prognosis", "plot_curves", "predict", "warm_up"]


def __getattr__(name: str) -> Any:
    if name in ("predict", "warm_up"):
        from hepatoboard.prognosis import model

        return getattr(model, name)
    if name == "plot_curves":
        from hepatoboard.prognosis.plot import plot_curves

        return plot_curves
    if name == "Prognosis":
        from hepatoboard.prognosis.result import Prognosis

        return Prognosis
    raise AttributeError(f"module 'hepatoboard.prognosis' has no attribute {name!r}")
