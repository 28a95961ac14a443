"""Run the real service in a subprocess on 127.0.0.1 and a free port (no mocks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

PG_URL = os.environ.get("HEPATOBOARD_TEST_POSTGRES_URL")

EXE = str(Path(sys.executable).with_name("hepatoboard"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_token(database: str, name: str, role: str) -> str:
    out = subprocess.run(
        [EXE, "token", "create", "--name", name, "--role", role, "--database", database],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


WARM_CASE = (Path(__file__).parent / "data" / "cases" / "seed-father.yaml").read_text()


class Server:
    """``warm_token``: a token used for one preview per worker right after start, so that the
    first assessment's one-off work (compiling the rules it meets) is not timed by a test's
    request."""

    def __init__(
        self,
        database: str,
        log_path: Path,
        workers: int = 1,
        warm_token: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.warm_token = warm_token
        self.extra_env = env or {}
        self.workers = workers
        self.database = database
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        """Start the server and wait until /health answers. There is no start deadline that a
        slow machine could miss: we wait as long as the process is alive (a hung start shows up
        as the test run's own timeout), and whatever happens the process is stopped."""
        log = self.log_path.open("ab")
        env = {k: v for k, v in os.environ.items() if k != "HEPATOBOARD_DATABASE_URL"}
        env.update(self.extra_env)
        cmd = [EXE, "serve", "--port", str(self.port), "--database", self.database]
        cmd += ["--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=env)
        try:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
                try:
                    if httpx.get(self.url + "/health", timeout=5).status_code == 200:
                        self._warm()
                        return self
                except httpx.HTTPError:
                    time.sleep(0.1)
        except BaseException:
            self.stop()
            raise

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _warm(self) -> None:
        if self.warm_token:
            for _ in range(self.workers):
                r = httpx.post(
                    self.url + "/assessments:preview",
                    content=WARM_CASE,
                    timeout=120,
                    headers={
                        "Authorization": f"Bearer {self.warm_token}",
                        "Content-Type": "application/yaml",
                    },
                )
                r.raise_for_status()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def backends() -> list:
    """SQLite always; PostgreSQL when HEPATOBOARD_TEST_POSTGRES_URL is set. In CI (CI=true) a
    missing PostgreSQL is a failure, never a silent skip."""
    params = [pytest.param("sqlite", id="sqlite")]
    if PG_URL:
        params.append(pytest.param("postgresql", id="postgresql"))
    elif os.environ.get("CI"):
        params.append(pytest.param("postgresql-missing", id="postgresql"))
    else:
        params.append(
            pytest.param(
                "postgresql",
                id="postgresql",
                marks=pytest.mark.skip(reason="set HEPATOBOARD_TEST_POSTGRES_URL (CI does)"),
            )
        )
    return params


def database_for(backend: str, folder: Path) -> str:
    if backend == "postgresql-missing":
        pytest.fail("CI must provide PostgreSQL: HEPATOBOARD_TEST_POSTGRES_URL is not set")
    return PG_URL if backend == "postgresql" and PG_URL else f"sqlite:///{folder / 'hb.db'}"


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def login(client: httpx.Client, token: str) -> str:
    """Log the client in to the clinician pages; returns the CSRF token of the new session."""
    page = client.get("/ui/login")
    csrf = _csrf(page.text)
    r = client.post("/ui/login", data={"csrf": csrf, "token": token, "next": "/ui/"})
    assert r.status_code == 303, r.text[:500]
    return _csrf(client.get("/ui/cases/new").text)


def _csrf(html: str) -> str:
    import re

    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html[:500]
    return m.group(1)
