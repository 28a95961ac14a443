"""The family report: plain-language content (:mod:`.content`, from the summary of
:mod:`.summary`, the survival sentences of :mod:`.survival` and the questions of
:mod:`.questions`), its catalogue tables (:mod:`.texts`) and the readability check
(:mod:`.readability`)."""

from hepatoboard.reports.family.content import family_content

__all__ = ["family_content"]
