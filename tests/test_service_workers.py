"""``hepatoboard serve --workers N``: the supervisor accepts every connection and hands the
connections to the workers in turn, so keep-alive connections are spread evenly (with uvicorn's
shared socket, one worker could take them all); SIGTERM stops every worker; a worker that dies
stops the service with a non-zero status.

Real servers on 127.0.0.1. Which worker holds a connection is read from /proc: the worker whose
open file descriptors include the server side of that TCP connection.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hepatoboard.service import workers

from service_helpers import EXE, Server, make_token

pytestmark = pytest.mark.skipif(
    not workers.supported() or not Path("/proc/net/tcp").exists(),
    reason="connections handed to workers, read from /proc: Linux",
)

STOP_GUARD_S = 120  # not a speed check: a supervisor that never stops its workers fails here
CLOSE_GUARD_S = 120  # not a speed check: a worker that never closes a connection fails here


def children(pid: int) -> list[int]:
    """The live child processes of ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def server_side_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of the loopback connection from ``client_port``."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        local, remote = int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16)
        if local == server_port and remote == client_port:
            return f[9]
    return None


def worker_of(conn: http.client.HTTPConnection, port: int, pids: list[int]) -> int:
    inode = server_side_inode(port, conn.sock.getsockname()[1])
    owners = [pid for pid in pids if inode in socket_inodes(pid)]
    assert len(owners) == 1, (inode, owners)
    return owners[0]


def health(conn: http.client.HTTPConnection) -> int:
    conn.request("GET", "/health")
    response = conn.getresponse()
    response.read()
    return response.status


def open_connection(port: int) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    assert health(conn) == 200  # answered, so a worker holds the connection
    return conn


def wait_released(conns: list[http.client.HTTPConnection], port: int, worker: int) -> None:
    """Close ``conns`` and wait until ``worker`` no longer holds their server ends."""
    inodes = {server_side_inode(port, c.sock.getsockname()[1]) for c in conns}
    for conn in conns:
        conn.close()
    deadline = time.monotonic() + CLOSE_GUARD_S
    while inodes & socket_inodes(worker):
        assert time.monotonic() < deadline, "the worker kept closed connections open"
        time.sleep(0.05)


def test_connections_alternate_even_after_some_close_and_sigterm_stops_all(tmp_path):
    server = Server(f"sqlite:///{tmp_path / 'hb.db'}", tmp_path / "server.log", workers=2)
    with server:
        assert server.proc is not None
        pids = children(server.proc.pid)
        assert len(pids) == 2  # two workers, nothing else
        conns = [open_connection(server.port) for _ in range(6)]
        owners = [worker_of(c, server.port, pids) for c in conns]
        first, second = owners[0], owners[1]
        assert first != second and owners == [first, second] * 3  # held open: in turn
        for conn, owner in zip(conns, owners, strict=True):  # keep-alive: they stay put
            assert health(conn) == 200 and worker_of(conn, server.port, pids) == owner
        mine = [c for c, o in zip(conns, owners, strict=True) if o == first][:2]
        wait_released(mine, server.port, first)  # now 1 open on `first`, 3 on `second`
        more = [open_connection(server.port) for _ in range(3)]  # in turn, as before
        assert [worker_of(c, server.port, pids) for c in more] == [first, second, first]
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(STOP_GUARD_S) == 0
    for conn in conns + more:
        conn.close()
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []
    assert "Finished server process" in (tmp_path / "server.log").read_text()


def test_ctrl_c_to_the_supervisor_and_its_workers_together_is_a_clean_stop(tmp_path):
    """A terminal's Ctrl-C reaches every process of the group at once: the workers then exit on
    their own, and the supervisor must still count it as a stop, not as a worker's failure."""
    with Server(f"sqlite:///{tmp_path / 'hb.db'}", tmp_path / "server.log", workers=2) as server:
        assert server.proc is not None
        pids = children(server.proc.pid)
        assert len(pids) == 2
        for pid in [server.proc.pid, *pids]:
            os.kill(pid, signal.SIGINT)
        assert server.proc.wait(STOP_GUARD_S) == 0
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []
    assert "exited" not in (tmp_path / "server.log").read_text()


def test_a_worker_that_dies_stops_the_service_with_an_error(tmp_path):
    with Server(f"sqlite:///{tmp_path / 'hb.db'}", tmp_path / "server.log", workers=2) as server:
        assert server.proc is not None
        pids = children(server.proc.pid)
        assert len(pids) == 2
        os.kill(pids[0], signal.SIGKILL)
        assert server.proc.wait(STOP_GUARD_S) != 0
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []
    assert f"worker process {pids[0]} exited" in (tmp_path / "server.log").read_text()


def test_a_port_in_use_stops_the_start(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        database = f"sqlite:///{tmp_path / 'hb.db'}"
        r = subprocess.run(
            [EXE, "serve", "--workers", "2", "--port", str(port), "--database", database],
            capture_output=True,
            text=True,
            check=False,
        )
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr


def test_a_second_service_on_the_same_port_is_refused_and_a_closed_port_binds_again():
    first = workers.bind_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    with first, pytest.raises(OSError):
        workers.bind_socket("127.0.0.1", port)
    again = workers.bind_socket("127.0.0.1", port)
    assert again.getsockname()[1] == port
    again.close()


# the balancer's choices: workers, the last one chosen, the workers skipped (their queue is
# full) -> the worker chosen
CHOICES = [
    (2, 1, set(), 0),
    (2, 0, set(), 1),
    (3, 1, set(), 2),
    (3, 2, set(), 0),  # after the last worker, the first
    (3, 0, {1}, 2),
    (3, 0, {1, 2}, 0),  # the last one chosen again when every other is full
    (2, 0, {0, 1}, None),  # every queue full: nobody
]


@pytest.mark.parametrize(("workers_", "last", "skip", "chosen"), CHOICES)
def test_the_balancer_hands_connections_in_turn(workers_, last, skip, chosen):
    b = workers.Balancer(workers_)
    b.handed(last)
    assert b.choose(frozenset(skip)) == chosen


def test_the_balancer_starts_with_the_first_worker_and_goes_round():
    b = workers.Balancer(3)
    got = []
    for _ in range(7):
        w = b.choose()
        assert w is not None
        b.handed(w)
        got.append(w)
    assert got == [0, 1, 2, 0, 1, 2, 0]


def test_a_worker_without_its_supervisor_exits():
    r = subprocess.run(
        [sys.executable, "-m", "hepatoboard.service.workers", "--fd", "0", "--parent", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 1


def test_a_token_revoked_from_the_cli_is_refused_by_every_worker_on_the_next_request(tmp_path):
    """The token check reads the database on every request (no cache): a revocation by another
    process is seen at once by both workers, on connections they already hold."""
    database = f"sqlite:///{tmp_path / 'hb.db'}"
    token = make_token(database, "revoked-soon", "viewer")
    headers = {"Authorization": f"Bearer {token}"}
    with Server(database, tmp_path / "server.log", workers=2) as server:
        assert server.proc is not None
        pids = children(server.proc.pid)
        conns = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=300) for _ in "ab"]
        assert [get(conn, "/knowledge", headers) for conn in conns] == [200, 200]
        assert {worker_of(conn, server.port, pids) for conn in conns} == set(pids)
        subprocess.run(
            [EXE, "token", "revoke", "revoked-soon", "--database", database],
            check=True,
            capture_output=True,
        )
        assert [get(conn, "/knowledge", headers) for conn in conns] == [401] * len(conns)
        for conn in conns:
            conn.close()


def get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> int:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status
