"""The request time budget and dropped work of a client that has gone (issue 14), on a real
Starlette request whose ASGI channel is driven by the test."""

from __future__ import annotations

import asyncio
import threading

import pytest
from fastapi import HTTPException
from starlette.requests import Request

from hepatoboard.service.limits import ClientGone, bounded

SCOPE = {"type": "http", "method": "POST", "path": "/assessments", "headers": []}


def _request(disconnect: asyncio.Event) -> Request:
    async def receive():
        await disconnect.wait()
        return {"type": "http.disconnect"}

    return Request(SCOPE, receive)


def test_work_past_the_budget_is_answered_503_and_never_returned():
    release = threading.Event()

    async def go():
        gone = asyncio.Event()
        with pytest.raises(HTTPException) as exc:
            await bounded(_request(gone), release.wait, budget_s=0.2)
        return exc.value

    err = asyncio.run(go())
    release.set()
    assert err.status_code == 503 and "budget" in err.detail


def test_work_of_a_client_that_has_gone_is_dropped():
    release = threading.Event()

    def work() -> str:
        release.wait()
        return "result"

    async def go():
        gone = asyncio.Event()
        task = asyncio.ensure_future(bounded(_request(gone), work, budget_s=60))
        await asyncio.sleep(0.05)
        gone.set()  # the client disconnects while the work runs
        with pytest.raises(ClientGone):
            await task

    asyncio.run(go())
    release.set()


def test_work_within_the_budget_returns_its_result():
    async def go():
        return await bounded(_request(asyncio.Event()), sum, [1, 2, 3], budget_s=60)

    assert asyncio.run(go()) == 6
