"""Liver-function scores, one per file, each taking its parameters from ``scores.yaml``:
Child-Pugh (:mod:`.child_pugh`), ALBI/mALBI (:mod:`.albi`), MELD / MELD-Na / MELD 3.0
(:mod:`.meld`)."""

from hepatoboard.scores.albi import Albi, albi
from hepatoboard.scores.child_pugh import ChildPugh, child_pugh
from hepatoboard.scores.meld import meld_3_0, meld_i, meld_na

__all__ = ["Albi", "ChildPugh", "albi", "child_pugh", "meld_3_0", "meld_i", "meld_na"]
