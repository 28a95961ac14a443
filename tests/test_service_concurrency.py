"""Assessment is CPU work and runs in worker threads, never on the event loop: while four long
assessments are in flight, /health still answers (issue 11).

The service runs in this process (uvicorn on 127.0.0.1, a real socket) so that the assessment
can be made slow on purpose: each one busy-waits until the test releases it.
"""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from hepatoboard.service.routers import assessments

from conftest import case_file
from service_helpers import free_port, make_token


@pytest.fixture
def server(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'hb.db'}"
    token = make_token(database, "viewer-slow", "viewer")
    monkeypatch.setenv("HEPATOBOARD_SECRET_KEY", "concurrency-test")
    release = threading.Event()
    started: list[int] = []
    real = assessments.run_assessment_json

    def slow(*args, **kwargs):
        started.append(1)
        while not release.is_set():  # CPU-bound: holds the GIL between switches
            sum(range(1000))
        return real(*args, **kwargs)

    monkeypatch.setattr(assessments, "run_assessment_json", slow)
    from hepatoboard.service.app import create_app

    port = free_port()
    threshold = gc.get_threshold()  # the service's start-up raises it process-wide
    srv = uvicorn.Server(
        uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token, release, started
    release.set()
    srv.should_exit = True
    thread.join()
    gc.set_threshold(*threshold)


def test_health_answers_while_four_assessments_are_in_flight(server):
    url, token, release, started = server
    body = case_file("seed-father").read_bytes()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"}

    def preview() -> int:
        return httpx.post(
            f"{url}/assessments:preview", content=body, headers=headers, timeout=300
        ).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(preview) for _ in range(4)]
        waited = 0.0
        while len(started) < 4:  # all four are inside the (slow) assessment
            time.sleep(0.05)
            waited += 0.05
            if waited > 120:  # not a speed check: a blocked event loop never gets here
                release.set()
                pytest.fail(f"only {len(started)} assessments started: the event loop is blocked")
        health = httpx.get(f"{url}/health", timeout=300)
        in_flight = sum(not f.done() for f in futures)
        release.set()
        statuses = [f.result() for f in futures]
    assert health.status_code == 200
    assert in_flight == 4  # /health was answered while every assessment was still running
    assert statuses == [200, 200, 200, 200]
