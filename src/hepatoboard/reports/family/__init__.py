"""The family report's plain-language content (:mod:`.content`) and readability check
(:mod:`.readability`)."""

from hepatoboard.reports.family.content import family_content

__all__ = ["family_content"]
