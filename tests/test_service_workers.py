"""``hepatoboard serve --workers N`` on Linux: one SO_REUSEPORT socket per worker process, so
keep-alive connections are spread over the workers by the kernel (with uvicorn's shared socket,
one worker could take them all); SIGTERM stops every worker; a worker that dies stops the
service with a non-zero status.

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
from pathlib import Path

import pytest

from hepatoboard.service import workers

from service_helpers import EXE, Server, free_port, make_token

pytestmark = pytest.mark.skipif(not workers.supported(), reason="SO_REUSEPORT balancing: Linux")

MAX_CONNECTIONS = 64  # all on one of two workers by chance: probability 2**-63
STOP_GUARD_S = 120  # not a speed check: a supervisor that never stops its workers fails here


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


def test_keep_alive_connections_reach_both_workers_and_sigterm_stops_all(tmp_path):
    server = Server(f"sqlite:///{tmp_path / 'hb.db'}", tmp_path / "server.log", workers=2)
    conns: list[http.client.HTTPConnection] = []
    with server:
        assert server.proc is not None
        pids = children(server.proc.pid)
        assert len(pids) == 2  # two workers, nothing else
        seen: dict[int, int] = {}
        while len(seen) < 2 and len(conns) < MAX_CONNECTIONS:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
            conns.append(conn)
            assert health(conn) == 200  # answered, so the worker has accepted the connection
            owner = worker_of(conn, server.port, pids)
            seen[owner] = seen.get(owner, 0) + 1
        assert sorted(seen) == pids
        for conn in conns:  # the connections stay where they were accepted (keep-alive)
            owner = worker_of(conn, server.port, pids)
            assert health(conn) == 200 and worker_of(conn, server.port, pids) == owner
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(STOP_GUARD_S) == 0
    for conn in conns:
        conn.close()
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []
    assert "Finished server process" in (tmp_path / "server.log").read_text()


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


def test_sockets_share_one_port_and_a_reuse_port_listener_is_detected():
    sockets = workers.bind_sockets("127.0.0.1", 0, 3)
    try:
        ports = {s.getsockname()[1] for s in sockets}
        assert len(sockets) == 3 and len(ports) == 1
        assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for s in sockets)
        with pytest.raises(OSError):  # a second service on the same port does not join the group
            workers.bind_sockets("127.0.0.1", ports.pop(), 1)
    finally:
        for s in sockets:
            s.close()


def test_a_free_port_can_be_bound_again_after_the_sockets_are_closed():
    port = free_port()
    for s in workers.bind_sockets("127.0.0.1", port, 2):
        s.close()
    for s in workers.bind_sockets("127.0.0.1", port, 2):
        assert s.getsockname()[1] == port
        s.close()


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
        conns: list[http.client.HTTPConnection] = []
        owners: set[int] = set()
        while len(owners) < 2 and len(conns) < MAX_CONNECTIONS:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
            conns.append(conn)
            assert get(conn, "/knowledge", headers) == 200
            owners.add(worker_of(conn, server.port, pids))
        assert owners == set(pids)
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
