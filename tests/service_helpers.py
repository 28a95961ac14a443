"""Run the real service in a subprocess on 127.0.0.1 and a free port (no mocks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

EXE = str(Path(sys.executable).with_name("hepatoboard"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_token(database: str, name: str, role: str) -> str:
    out = subprocess.run(
        [EXE, "token", "create", "--name", name, "--role", role, "--database", database],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip()


class Server:
    def __init__(self, database: str, log_path: Path, workers: int = 1) -> None:
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
        cmd = [EXE, "serve", "--port", str(self.port), "--database", self.database]
        cmd += ["--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=env)
        try:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
                try:
                    if httpx.get(self.url + "/health", timeout=5).status_code == 200:
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

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
