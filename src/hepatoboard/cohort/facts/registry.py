"""How a vectorised producer is declared: the per-case producer it mirrors, and the function.

Each module of this package is the twin of one module of :mod:`hepatoboard.facts`: it makes
the same facts, with the same values and the same missing fields, for every row at once. Adding
a producer on the per-case side means adding its twin here (one module, listed in
``__init__.py``); :func:`hepatoboard.cohort.facts.derive` fails naming every catalogue fact that
has no twin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hepatoboard.cohort.frame import Facts, NewFact


@dataclass(frozen=True)
class Twin:
    mirrors: str  # the per-case producer's name (``facts.yaml: derive:``)
    derive: Callable[[Facts], dict[str, NewFact]]
