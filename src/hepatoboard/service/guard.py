"""Refused requests (no valid token): a rate limit per client address, and an audit record
that is bounded in number and sanitised in content.

Rate limiting uses the ``limits`` library (moving windows, in-process memory: with several
worker processes each keeps its own count). A client over :data:`REFUSALS` gets 429 with
``Retry-After`` instead of 401; requests with a valid token are never limited. At most
:data:`AUDITED_PER_CLIENT` refusals per client and :data:`AUDITED_TOTAL` overall are written to
the audit log, with the action (chosen by the code) and a target only if it is a short plain
identifier.
"""

from __future__ import annotations

import re
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session

from hepatoboard.storage import repository as repo

REFUSALS = parse("30/minute")
AUDITED_PER_CLIENT = parse("5/minute")
AUDITED_TOTAL = parse("60/minute")
_PLAIN = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class Guard:
    """One per application (``app.state.guard``)."""

    def __init__(self) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def refused(self, session: Session, client: str, action: str, target: str | None) -> bool:
        """Count a refused request from ``client`` and audit it if the audit budget allows.
        Returns False when the client is over the rate limit (answer 429, not 401)."""
        allowed = self.limiter.hit(REFUSALS, "refused", client)
        if self.limiter.hit(AUDITED_PER_CLIENT, "audited", client) and self.limiter.hit(
            AUDITED_TOTAL, "audited"
        ):
            shown = target if target and _PLAIN.fullmatch(target) else None
            repo.audit(
                session,
                "anonymous",
                action,
                shown,
                "unauthenticated" if allowed else "rate_limited",
            )
        return allowed

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again."""
        reset = self.limiter.get_window_stats(REFUSALS, "refused", client).reset_time
        return max(1, int(reset - time.time()) + 1)
