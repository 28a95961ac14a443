"""Several worker processes behind one port (``hepatoboard serve --workers N``, Linux).

uvicorn's own multi-worker mode lets every worker accept from one shared listening socket. The
first worker to wake takes every connection waiting at that moment, and a keep-alive connection
stays with the worker that accepted it, so a client with a few connections can get one worker
and half the machine (docs/benchmarks.md, web service load). Here the supervisor opens one
listening socket per worker, all bound to the same address with ``SO_REUSEPORT``: the kernel
spreads new connections over the sockets by a hash of the client's address and port, and each
worker serves only its own socket.

The supervisor binds every socket before any worker starts (a port in use is an error at once,
and connections that arrive while a worker loads wait in its socket's queue), then starts each
worker as ``python -m hepatoboard.service.workers`` with its socket inherited; each builds its
application from the environment (:func:`hepatoboard.service.app.app_from_env`) and runs
``uvicorn.Server`` on that socket. SIGINT or SIGTERM to the supervisor is passed to every
worker (uvicorn's graceful shutdown) and the supervisor exits 0 once all have stopped. A worker
that exits on its own stops the others and the supervisor exits non-zero, so the process manager
(systemd, a container runtime) sees the failure and restarts the whole service. A worker whose
supervisor is killed outright is sent SIGTERM by the kernel (``PR_SET_PDEATHSIG``).

With ``SO_REUSEPORT`` any process of the same user that binds the same address with the same
option joins the group; the supervisor therefore first checks that nothing listens on the
address (a bind without ``SO_REUSEPORT``).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

APP = "hepatoboard.service.app:app_from_env"
STOP_GRACE_S = 30.0  # seconds a worker gets to finish its requests before it is killed
BACKLOG = 2048  # uvicorn's default listen backlog
POLL_S = 0.2  # how often the supervisor looks at its workers


def supported() -> bool:
    """Whether the kernel balances ``SO_REUSEPORT`` sockets (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _check_free(host: str, port: int) -> None:
    """OSError if something already listens on (host, port), reuse-port group or not."""
    if not port:  # the kernel picks a free one
        return
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def bind_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` listening sockets on one address, each with ``SO_REUSEPORT`` (port 0: the port
    the first one got)."""
    _check_free(host, port)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(_family(host), socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.listen(BACKLOG)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class Supervisor:
    """Starts one worker process per socket and stops them together."""

    def __init__(self, sockets: Sequence[socket.socket], log_level: str = "info") -> None:
        self.sockets = list(sockets)
        self.log_level = log_level
        self.procs: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def _start(self, sock: socket.socket) -> subprocess.Popen[bytes]:
        fd = sock.fileno()
        cmd = [sys.executable, "-m", "hepatoboard.service.workers", "--fd", str(fd)]
        cmd += ["--parent", str(os.getpid()), "--log-level", self.log_level]
        return subprocess.Popen(cmd, pass_fds=(fd,))

    def _signalled(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> int:
        """Serve until a signal (exit status 0) or until a worker exits on its own (its status,
        at least 1)."""
        previous = {s: signal.signal(s, self._signalled) for s in (signal.SIGINT, signal.SIGTERM)}
        status = 0
        try:
            for sock in self.sockets:
                if self.stopping:
                    break
                self.procs.append(self._start(sock))
                sock.close()  # the worker holds it now; a copy here would keep it alive
            while not self.stopping:
                exited = [p for p in self.procs if p.poll() is not None]
                if exited:
                    code = exited[0].returncode
                    status = max(code, 1)  # a signal (negative) or 0 still means failure
                    print(
                        f"worker process {exited[0].pid} exited ({code}); stopping the others",
                        file=sys.stderr,
                    )
                    break
                time.sleep(POLL_S)
        finally:
            self.stop()
            for s, handler in previous.items():
                signal.signal(s, handler)
        return status

    def stop(self) -> None:
        """SIGTERM every running worker, wait up to :data:`STOP_GRACE_S`, then SIGKILL."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in self.procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for sock in self.sockets:
            sock.close()


def _die_with_parent(parent: int) -> None:
    """SIGTERM this process when its supervisor dies (Linux ``prctl``), or exit at once if it
    already has."""
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:
        sys.exit(1)


def worker_main(argv: Sequence[str] | None = None) -> None:
    """One worker: the application from the environment, served on the inherited socket."""
    import logging

    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    parser = argparse.ArgumentParser(prog="hepatoboard.service.workers")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    _die_with_parent(args.parent)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sock = socket.socket(fileno=args.fd)
    # access_log off: request paths can carry case ids, which must not reach application logs
    config = uvicorn.Config(APP, factory=True, access_log=False, log_level=args.log_level)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


if __name__ == "__main__":
    worker_main()
