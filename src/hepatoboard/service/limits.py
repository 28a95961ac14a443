"""Request size and time limits (non-clinical): a body over :data:`MAX_BODY` bytes gets 413,
whether ``Content-Length`` announces it or the stream only turns out larger (chunked uploads,
a lying header); form uploads share the same limit. Each request's parsing and assessment run
in a worker thread within :data:`BUDGET_S` seconds (503 past it), and work whose client has
disconnected is dropped (never stored).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1_000_000  # bytes; a case is a few kB
RECORD_MAX_BODY = 5_000_000  # bytes: FHIR Bundles and CDS Hooks prefetch carry whole records
LARGER_BODIES = {"/fhir/": RECORD_MAX_BODY, "/cds-services/": RECORD_MAX_BODY}
BUDGET_S = float(os.environ.get("HEPATOBOARD_REQUEST_BUDGET_S", "30"))
T = TypeVar("T")


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, f"request body larger than {MAX_BODY} bytes")


class ClientGone(Exception):
    """The client disconnected before its request was answered; its work was dropped."""


class BodyLimit:
    """ASGI middleware: 413 for bodies over ``max_body`` bytes, checked from Content-Length
    before anything is read and again while the body streams in."""

    def __init__(
        self, app: ASGIApp, max_body: int = MAX_BODY, larger: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.larger = LARGER_BODIES if larger is None else larger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = next((n for p, n in self.larger.items() if path.startswith(p)), self.max_body)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            status = 413 if declared.isdigit() else 400
            await _send_json(send, status, b'{"detail":"request body too large or bad length"}')
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited, send)


async def _send_json(send: Send, status: int, body: bytes) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _disconnected(request: Request) -> None:
    """Returns when the client has gone (call only once the body has been read)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def bounded(
    request: Request, fn: Callable[..., T], *args: Any, budget_s: float | None = None
) -> T:
    """``fn(*args)`` in a worker thread, within the time budget (503 past it);
    :class:`ClientGone` if the client disconnects first. Either way the result is discarded
    (a worker thread cannot be stopped, but nothing it computes is stored or sent)."""
    budget_s = BUDGET_S if budget_s is None else budget_s
    work = asyncio.ensure_future(run_in_threadpool(fn, *args))
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        done, _ = await asyncio.wait(
            {work, gone}, timeout=budget_s, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        gone.cancel()
    if work in done:
        return work.result()
    work.add_done_callback(lambda t: t.cancelled() or t.exception())  # nobody awaits it now
    if gone in done:
        raise ClientGone()
    raise HTTPException(503, f"the request took longer than its {budget_s:g} s budget")
