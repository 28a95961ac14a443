"""Several worker processes behind one port (``hepatoboard serve --workers N``; tested on Linux).

uvicorn's own multi-worker mode lets every worker accept from one shared listening socket. The
first worker to wake takes every connection waiting at that moment, and a keep-alive connection
stays with the worker that accepted it, so a client with a few connections can get one worker
and half the machine. One ``SO_REUSEPORT`` socket per worker (this module's previous design)
spreads connections by a hash of the client's address and port, which is no better for a few
connections: with 4 connections from wrk one worker got all four in one run
(docs/benchmarks.md, web service load), and 4 connections spread independently at random fall
2 against 2 only 3 times in 8.

Here the supervisor holds the one listening socket and accepts every connection itself, then
hands the connections to the workers in turn (round robin) over Unix socket pairs, as passed
file descriptors (``SCM_RIGHTS``). The worker serves each with uvicorn's HTTP protocol
(:meth:`asyncio.AbstractEventLoop.connect_accepted_socket`). A connection stays with its
worker for its whole life; only its first moment passes through the supervisor. In turn rather
than to the worker with the fewest open connections: in a first version, where the workers
reported their closed connections back, one benchmark row still had all its connections on one
worker, probably because a worker busy with a request reports its closes late, so a client that
closes its connections and opens new ones at once (as wrk does between runs) finds one worker
still counted busy (docs/benchmarks.md). Handing them in turn reads no report.

The supervisor binds before any worker starts (a port in use is an error at once). Connections
that arrive while a worker loads wait in its socket pair. Each worker is started as
``python -m hepatoboard.service.workers`` with its end of the pair inherited; it builds its
application from the environment (:func:`hepatoboard.service.app.app_from_env`) and runs
``uvicorn.Server`` without a listening socket of its own. SIGINT or SIGTERM to the supervisor
closes the listening socket and is passed to every worker (uvicorn's graceful shutdown); the
supervisor exits 0 once all have stopped. A worker that exits on its own stops the others and
the supervisor exits non-zero, so the process manager (systemd, a container runtime) sees the
failure and restarts the whole service. A worker whose supervisor is killed outright is sent
SIGTERM by the kernel (``PR_SET_PDEATHSIG``, Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any

import uvicorn

APP = "hepatoboard.service.app:app_from_env"
STOP_GRACE_S = 30.0  # seconds a worker gets to finish its requests before it is killed
BACKLOG = 2048  # uvicorn's default listen backlog
POLL_S = 0.2  # how often the supervisor looks at its workers
HANDED = b"c"  # the byte that carries a handed-over connection
READ_BYTES = 4096  # bytes received from the socket pair at a time
READ_FDS = 16  # file descriptors received at a time (the kernel gives one per message)


def supported() -> bool:
    """Whether connections can be handed to worker processes (Unix socket pairs that pass file
    descriptors: Linux and other POSIX systems)."""
    return hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX") and os.name == "posix"


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def bind_socket(host: str, port: int) -> socket.socket:
    """The service's listening socket (port 0: the kernel picks a free port). OSError if the
    address is in use."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class Balancer:
    """Which worker gets the next connection: each in turn."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.last = count - 1  # the worker chosen last

    def choose(self, skip: frozenset[int] = frozenset()) -> int | None:
        """The next worker after the last one chosen that is not in ``skip`` (None: all
        skipped)."""
        for k in range(1, self.count + 1):
            worker = (self.last + k) % self.count
            if worker not in skip:
                return worker
        return None

    def handed(self, worker: int) -> None:
        self.last = worker


class Supervisor:
    """Starts the workers, hands them the connections, and stops them together."""

    def __init__(self, listener: socket.socket, workers: int, log_level: str = "info") -> None:
        self.listener = listener
        self.count = workers
        self.log_level = log_level
        self.procs: list[subprocess.Popen[bytes]] = []
        self.channels: list[socket.socket] = []
        self.balancer = Balancer(workers)
        self.stopping = False

    def _start(self) -> subprocess.Popen[bytes]:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            fd = theirs.fileno()
            cmd = [sys.executable, "-m", "hepatoboard.service.workers", "--fd", str(fd)]
            cmd += ["--parent", str(os.getpid()), "--log-level", self.log_level]
            proc = subprocess.Popen(cmd, pass_fds=(fd,))
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()  # the worker holds it now; a copy here would keep it open
        mine.setblocking(False)
        self.channels.append(mine)
        return proc

    def _signalled(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> int:
        """Serve until a signal (exit status 0) or until a worker exits on its own (its status,
        at least 1)."""
        previous = {s: signal.signal(s, self._signalled) for s in (signal.SIGINT, signal.SIGTERM)}
        status = 0
        try:
            for _ in range(self.count):
                if self.stopping:
                    break
                self.procs.append(self._start())
            if not self.stopping:
                status = self._serve()
        finally:
            self.stop()
            for s, handler in previous.items():
                signal.signal(s, handler)
        return status

    def _serve(self) -> int:
        """Accept and hand over until a signal (0) or a worker's exit (its status, at least 1)."""
        with selectors.DefaultSelector() as sel:
            sel.register(self.listener, selectors.EVENT_READ)
            while True:
                ready = sel.select(POLL_S)
                if self.stopping:  # checked first: a Ctrl-C stops the workers too
                    return 0
                if ready:
                    self._accept_all()
                exited = [p for p in self.procs if p.poll() is not None]
                if exited:
                    code = exited[0].returncode
                    print(
                        f"worker process {exited[0].pid} exited ({code}); stopping the others",
                        file=sys.stderr,
                    )
                    return max(code, 1)  # a signal (negative) or 0 still means failure

    def _accept_all(self) -> None:
        """Hand every waiting connection to a worker."""
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # for example, a connection reset before it was accepted
                return
            with conn:
                self._hand(conn)

    def _hand(self, conn: socket.socket) -> None:
        """Pass ``conn`` to the next worker in turn whose socket pair has room."""
        full: set[int] = set()
        while (worker := self.balancer.choose(frozenset(full))) is not None:
            try:
                socket.send_fds(self.channels[worker], [HANDED], [conn.fileno()])
            except (BlockingIOError, InterruptedError):
                full.add(worker)
                continue
            except OSError:  # the worker is gone; the loop notices and stops the service
                full.add(worker)
                continue
            self.balancer.handed(worker)
            return
        print("every worker's queue is full: a connection was closed", file=sys.stderr)

    def stop(self) -> None:
        """Close the listening socket, SIGTERM every running worker, wait up to
        :data:`STOP_GRACE_S`, then SIGKILL."""
        self.listener.close()
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
        for chan in self.channels:
            chan.close()


def _die_with_parent(parent: int) -> None:
    """SIGTERM this process when its supervisor dies (Linux ``prctl``), or exit at once if it
    already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:
        sys.exit(1)


class HandedServer(uvicorn.Server):
    """uvicorn's server on the connections the supervisor hands over on ``channel``.

    uvicorn starts with no listening socket of its own (``sockets=[]``); the channel is read
    in its event loop, and every connection that arrives is served by uvicorn's HTTP protocol,
    the same class and state its own listener would use."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        if self.started:
            _listen(self, self.channel)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().remove_reader(self.channel.fileno())
        await super().shutdown(sockets)


def _listen(server: HandedServer, channel: socket.socket) -> None:
    """Serve, in the running loop, every connection that arrives on ``channel``."""
    loop = asyncio.get_running_loop()
    config = server.config

    def protocol() -> asyncio.Protocol:
        return config.http_protocol_class(  # type: ignore[call-arg]  # uvicorn's own call
            config=config, server_state=server.server_state, app_state=server.lifespan.state
        )

    starting: set[asyncio.Task[Any]] = set()

    def arrived() -> None:
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(channel, READ_BYTES, READ_FDS)
            except (BlockingIOError, InterruptedError):
                return
            if not data and not fds:  # the supervisor has closed its end
                loop.remove_reader(channel.fileno())
                server.should_exit = True
                return
            for fd in fds:
                sock = socket.socket(fileno=fd)
                sock.setblocking(False)
                task = loop.create_task(loop.connect_accepted_socket(protocol, sock))
                starting.add(task)  # the loop holds tasks weakly
                task.add_done_callback(starting.discard)

    channel.setblocking(False)
    loop.add_reader(channel.fileno(), arrived)


def worker_main(argv: Sequence[str] | None = None) -> None:
    """One worker: the application from the environment, served on the connections handed
    over on the inherited socket pair."""
    import logging

    from uvicorn.config import STARTUP_FAILURE

    parser = argparse.ArgumentParser(prog="hepatoboard.service.workers")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    _die_with_parent(args.parent)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    channel = socket.socket(fileno=args.fd)
    # access_log off: request paths can carry case ids, which must not reach application logs
    config = uvicorn.Config(APP, factory=True, access_log=False, log_level=args.log_level)
    server = HandedServer(config, channel)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


if __name__ == "__main__":
    worker_main()
