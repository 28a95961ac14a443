"""Liver-function scores: Child-Pugh, ALBI/mALBI, MELD / MELD-Na / MELD 3.0."""

from hepatoboard.scores.albi import Albi, albi
from hepatoboard.scores.child_pugh import ChildPugh, child_pugh
from hepatoboard.scores.meld import meld_3_0, meld_i, meld_na

__all__ = ["Albi", "ChildPugh", "albi", "child_pugh", "meld_3_0", "meld_i", "meld_na"]
