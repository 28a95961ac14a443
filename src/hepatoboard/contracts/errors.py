"""Errors that tell the user what to fix.

A :class:`CaseError` carries one :class:`Problem` per defect, each naming the field path (e.g.
``labs.bilirubin``) and what is accepted there. It never carries a traceback to the user.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str  # dotted field path; "" for the document as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class HepatoboardError(Exception):
    """Base class of every error hepatoboard raises on purpose."""


class CaseError(HepatoboardError):
    """The case cannot be assessed: it is malformed, impossible or contradictory."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}{len(problems)} problem(s) in the case:\n" + "\n".join(map(str, problems))
        )

    def lines(self) -> list[str]:
        """One line per problem, prefixed with the source file when known."""
        where = f"{self.source}: " if self.source else ""
        return [f"{where}{p}" for p in self.problems]


class KnowledgeBaseError(HepatoboardError):
    """The knowledge base failed validation (a rule, source or profile is inconsistent)."""
