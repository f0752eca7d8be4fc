"""HTTP API under load: a live ``replylint serve`` on 127.0.0.1, realistic 80-word drafts.

Bounded runs at concurrency 1, 8 and 32 (each a fixed number of requests, capped in time) print
requests per second and p50/p90/p99 latency, twice: for new drafts, whose every sentence the
server has never seen (the helpdesk case), and for re-lints of drafts it has seen (the extension
re-checking a draft as the agent edits it, where the model's per-sentence cache answers). An empty
draft measures the HTTP path alone. A short soak of new drafts reports the server's memory (RSS of
all its processes) before and after; a burst past the admission bound shows how fast 503 comes.
The load generator is a minimal keep-alive HTTP/1.1 client on asyncio, so that the client steals
as little as possible of the two cores from the server it measures.

    python -m benchmarks api                      # 2 workers, the shipped model if present
    python -m benchmarks.bench_api --workers 1 --soak-seconds 600

Only loopback traffic; every loop is bounded in count and time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path

from .drafts import drafts_of_words

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TARGETS = "targets: >= 300 req/s and p99 <= 50 ms at concurrency 8; p50 <= 10 ms at concurrency 1"


# -- a small HTTP/1.1 client -----------------------------------------------------------------


class Connection:
    """One keep-alive connection; ``post`` returns (status, body)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "application/json"
    ) -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {len(body)}\r\n"
        if body:
            head += f"Content-Type: {content_type}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def load(port: int, bodies: Iterator[bytes], concurrency: int, requests: int, max_seconds: float) -> dict[str, float]:
    """``requests`` POST /v1/lint over ``concurrency`` connections (stops early at ``max_seconds``)."""
    connections = [await Connection.open(port) for _ in range(concurrency)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    issued = 0
    deadline = time.perf_counter() + max_seconds

    async def worker(connection: Connection) -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            body = next(bodies)
            issued += 1
            started = time.perf_counter()
            status, _ = await connection.request("POST", "/v1/lint", body)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000

    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p90": pct(0.90),
        "p99": pct(0.99),
        "errors": sum(count for status, count in statuses.items() if status != 200),
    }


async def burst(port: int, body: bytes, concurrency: int) -> dict[str, float]:
    """``concurrency`` simultaneous requests: how many were refused (503) and how fast."""
    connections = [await Connection.open(port) for _ in range(concurrency)]

    async def one(connection: Connection) -> tuple[int, float]:
        started = time.perf_counter()
        status, _ = await connection.request("POST", "/v1/lint", body)
        return status, time.perf_counter() - started

    outcomes = await asyncio.gather(*(one(c) for c in connections))
    for connection in connections:
        connection.close()
    refused = sorted(seconds for status, seconds in outcomes if status == 503)
    served = sorted(seconds for status, seconds in outcomes if status == 200)
    return {
        "refused": len(refused),
        "served": len(served),
        "refused_p50": statistics.median(refused) * 1000 if refused else float("nan"),
        "served_p50": statistics.median(served) * 1000 if served else float("nan"),
    }


# -- the drafts ---------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"([.!?])(\s|$)")


def new_drafts(count: int, seed: int) -> Iterator[bytes]:
    """80-word drafts whose every sentence is new to the server (it caches model scores per sentence):
    each sentence carries its own order number, as replies often do."""
    numbers = iter(range(10**6, 10**7))
    for text in drafts_of_words(80, count, seed=seed):
        unique = _SENTENCE_END.sub(lambda m: f" (order {next(numbers)}){m.group(1)}{m.group(2)}", text)
        yield json.dumps({"text": unique}).encode()


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPLYLINT_") or k == "REPLYLINT_MODEL_DIR"}
    env.update({"REPLYLINT_REQUIRE_MODEL": "false", "REPLYLINT_LOG_LEVEL": "warning", **extra_env})
    command = [
        sys.executable,
        "-c",
        "import sys; from linter.cli import main; sys.exit(main())",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(f"GET /readyz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if b" 200 " in sock.recv(4096).split(b"\r\n", 1)[0] + b" ":
                    return process
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not become ready in 120 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def process_tree_rss(pid: int) -> float:
    """RSS in MiB of ``pid`` and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def readyz(port: int) -> dict:
    with socket.create_connection((HOST, port), timeout=5) as sock:
        sock.sendall(f"GET /readyz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return json.loads(data.split(b"\r\n\r\n", 1)[1])


# -- the run ---------------------------------------------------------------------------------


def _row(name: str, concurrency: str, result: dict[str, float]) -> str:
    values = (result["requests"], result["rps"], result["p50"], result["p90"], result["p99"], result["errors"])
    return f"{name:<34} {concurrency:>11} {values[0]:>8.0f} {values[1]:>8.0f} {values[2]:>8.1f} {values[3]:>8.1f} {values[4]:>8.1f} {values[5]:>6.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_api", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2: one per core)")
    parser.add_argument("--inference-threads", type=int, help="REPLYLINT_INFERENCE_THREADS for the server (default: its default)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per concurrency level (default 3000)")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="cap per concurrency level (default 20 s)")
    parser.add_argument("--soak-seconds", type=float, default=60.0, help="soak length at concurrency 8 (default 60 s; 0 skips)")
    args = parser.parse_args([] if argv is None else argv)  # no argv: defaults (python -m benchmarks)

    print(
        f"== api == server: replylint serve --workers {args.workers} on {HOST} (inference threads: {args.inference_threads or 'default'}); {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}"
    )
    drafts = drafts_of_words(80, 200, seed=80)
    print(
        f"drafts: realistic replies from tests/data/dev_drafts.jsonl, {statistics.mean(len(t.split()) for t in drafts):.0f} words on average"
    )
    fresh = new_drafts(40_000 + int(args.soak_seconds * 600), seed=81)  # more than the soak can send
    port = free_port()
    threads = {"REPLYLINT_INFERENCE_THREADS": str(args.inference_threads)} if args.inference_threads else {}
    server = start_server(port, args.workers, threads)
    try:
        state = readyz(port)
        print(f"model: {state['model'] or 'none (rules alone)'}; rules: {state['rules']}")
        relint = cycle([json.dumps({"text": text}).encode() for text in drafts])
        asyncio.run(load(port, relint, 8, 600, 60))  # warm-up: lazy imports, every worker, and these 200 drafts
        header = (
            f"{'':<34} {'concurrency':>11} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>6}"
        )
        print(header)
        runs = [("new drafts (every sentence unseen)", fresh), ("re-lint (drafts seen before)", relint)]
        for name, bodies in runs:
            for concurrency in (1, 8, 32):
                result = asyncio.run(load(port, bodies, concurrency, args.requests, args.max_seconds))
                print(_row(name, str(concurrency), result))
        empty = asyncio.run(load(port, cycle([b'{"text": ""}']), 8, args.requests, args.max_seconds))
        print(_row("empty draft: the HTTP path alone", "8", empty))
        print(TARGETS)
        if args.soak_seconds > 0:
            # In quarters, so that the RSS shows whether memory levels off (caches full) or keeps climbing.
            rss = [process_tree_rss(server.pid)]
            results = []
            for _ in range(4):
                results.append(asyncio.run(load(port, fresh, 8, 10**9, args.soak_seconds / 4)))
                rss.append(process_tree_rss(server.pid))
            requests = sum(r["requests"] for r in results)
            print(
                f"soak (new drafts): {requests:.0f} requests in {sum(r['seconds'] for r in results):.0f} s at concurrency 8 "
                f"({requests / sum(r['seconds'] for r in results):.0f} req/s, worst quarter's p99 {max(r['p99'] for r in results):.1f} ms, "
                f"{sum(r['errors'] for r in results):.0f} errors); server RSS (MiB) at the start and after each quarter: "
                + ", ".join(f"{value:.0f}" for value in rss)
            )
    finally:
        stop_server(server)

    # Past the bound: a server with 4 slots per worker, hit by 64 requests at once.
    port = free_port()
    server = start_server(port, 1, {"REPLYLINT_MAX_IN_FLIGHT": "4", "REPLYLINT_INFERENCE_THREADS": "1"})
    try:
        asyncio.run(load(port, fresh, 1, 50, 10))
        result = asyncio.run(burst(port, next(fresh), 64))
        print(
            f"overload (1 worker, 4 slots, 64 at once): {result['served']:.0f} served (p50 {result['served_p50']:.1f} ms), "
            f"{result['refused']:.0f} refused with 503 (p50 {result['refused_p50']:.1f} ms)"
        )
    finally:
        stop_server(server)


if __name__ == "__main__":
    main(sys.argv[1:])
