"""``replylint serve --workers N`` on Linux: connections spread over the workers, a dead worker is
replaced, SIGTERM stops them all, and a port in use is a clear error."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_conftest import API_KEYS, ROOT, SERVE, LiveServer, _serve

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT workers are Linux-only")


@pytest.fixture(scope="module")
def rules_only_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Two workers without the model, so they start fast; this module kills one of them."""
    absent = tmp_path_factory.mktemp("no-model") / "absent"
    yield from _serve(tmp_path_factory, "workers", env={"REPLYLINT_MODEL_DIR": str(absent)}, args=("--workers", "2"))


def _children(pid: int) -> set[int]:
    children = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.add(int(entry))
    return children


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _established_sockets(port: int) -> set[str]:
    """Inodes of the server ends of established TCP connections on 127.0.0.1:``port``."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "01":
            inodes.add(fields[9])
    return inodes


def _connections_per_worker(server: LiveServer) -> dict[int, int]:
    assert server.process is not None
    wanted = _established_sockets(server.port)
    counts = {}
    for pid in _children(server.process.pid):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        counts[pid] = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in wanted)
    return {pid: count for pid, count in counts.items() if count}


def _workers_ready(server: LiveServer, count: int, timeout: float = 90.0) -> set[int]:
    """The worker pids once ``count`` of them answer (each serves the connections the kernel gives it)."""
    assert server.process is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connections = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=10) for _ in range(24)]
        try:
            for connection in connections:
                connection.request("GET", "/healthz")
                assert connection.getresponse().read()
            serving = set(_connections_per_worker(server))
        finally:
            for connection in connections:
                connection.close()
        if len(serving) >= count:
            return serving
        time.sleep(0.5)
    raise AssertionError(f"fewer than {count} workers answered; log:\n{server.log()[-3000:]}")


def test_workers_share_keep_alive_connections(keyed_server: LiveServer) -> None:
    # 16 keep-alive connections opened at once, as a helpdesk's connection pool does. With one shared
    # socket the first worker to wake accepted nearly all of them; now each worker gets some (the
    # kernel hashes each connection to a worker: all 16 on one has odds of 1 in 32,768).
    _workers_ready(keyed_server, 2)  # a worker joins the group once its model is loaded
    connections = [http.client.HTTPConnection("127.0.0.1", keyed_server.port, timeout=30) for _ in range(16)]
    try:
        for connection in connections:
            connection.request("GET", "/v1/labels", headers={"X-API-Key": API_KEYS["helpdesk"]})
        for connection in connections:
            assert connection.getresponse().read()
        per_worker = _connections_per_worker(keyed_server)
    finally:
        for connection in connections:
            connection.close()
    assert sum(per_worker.values()) == 16
    assert len(per_worker) == 2 and min(per_worker.values()) >= 1, per_worker


def test_a_dead_worker_is_replaced_and_sigterm_stops_all(rules_only_workers: LiveServer) -> None:
    first = _workers_ready(rules_only_workers, 2)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    with httpx.Client(base_url=rules_only_workers.url, timeout=30) as client:
        # The survivor answers at once: the dead worker's socket left the group with it.
        for _ in range(20):
            assert client.post("/v1/lint", json={"text": "This mailbox is not monitored."}).status_code == 200
    second = _workers_ready(rules_only_workers, 2)
    assert victim not in second and len(second - first) == 1
    assert "died" in rules_only_workers.log()

    assert rules_only_workers.process is not None
    workers = {pid for pid in _children(rules_only_workers.process.pid) if b"spawn_main" in _cmdline(pid)}
    assert workers == second
    rules_only_workers.stop()  # SIGTERM to the parent, which waits for its workers to finish
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_serve_on_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("REPLYLINT_")}
        result = subprocess.run(
            [*SERVE, "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert "[E474]" in result.stderr and f"127.0.0.1:{port}" in result.stderr and "in use" in result.stderr
