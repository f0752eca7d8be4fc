"""Feedback writes under 50 concurrent writers: latency of a durable write (returns after commit).

1. the data layer, SQLite: 50 writer threads in one process (one API worker's view);
2. the data layer, SQLite: 50 writers spread over 2 processes of 25 threads (two API workers
   sharing one database file, each with its own group-commit writer);
3. optionally PostgreSQL (``--postgres URL``), as 1;
4. over HTTP: a live ``replylint serve`` with 2 workers on 127.0.0.1 and 50 concurrent clients
   posting ``/v1/feedback`` (the client shares the two cores with the server it measures).

Every run is bounded in count; the database files live in a temporary folder that is removed.
Target: p99 under 20 ms on SQLite at 50 concurrent writers.

    python -m benchmarks feedback
    python -m benchmarks.bench_feedback --per-writer 100 --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = "target: p99 < 20 ms on SQLite at 50 concurrent writers"
WRITERS = 50

_CHILD = """
import json, sys, threading, time
from linter.feedback import FeedbackRecord, FeedbackStore, sentence_hash
store = FeedbackStore(sys.argv[1])
threads, per_writer, name = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
latencies, lock, start = [], threading.Lock(), threading.Event()
def write(t):
    start.wait()
    for i in range(per_writer):
        record = FeedbackRecord("bench", "dismissed", "closes_the_door.no_reply", "closes_the_door",
                                sentence_hash(f"{name}-{t}-{i}"), model_score=0.9, event_id=f"{name}-{t}-{i}")
        began = time.perf_counter()
        store.record(record)
        with lock:
            latencies.append(time.perf_counter() - began)
workers = [threading.Thread(target=write, args=(t,)) for t in range(threads)]
[w.start() for w in workers]
print("ready", flush=True)
sys.stdin.readline()
began = time.perf_counter()
start.set()
[w.join() for w in workers]
print(json.dumps({"latencies": latencies, "seconds": time.perf_counter() - began}))
store.close()
"""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(name: str, latencies: list[float], seconds: float) -> str:
    ms = [value * 1000 for value in latencies]
    return (
        f"{name:<58} p50 {_percentile(ms, 0.5):5.1f} ms  p90 {_percentile(ms, 0.9):5.1f} ms  p99 {_percentile(ms, 0.99):5.1f} ms"
        f"  {len(ms) / seconds:7.0f} writes/s  ({len(ms)} writes)"
    )


def _processes(database: str, processes: int, per_writer: int) -> tuple[list[float], float]:
    """WRITERS writers split over ``processes`` child processes, started together."""
    from linter.feedback import FeedbackStore

    FeedbackStore(database).close()  # migrate once, before the children race
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, database, str(WRITERS // processes), str(per_writer), f"p{n}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for n in range(processes)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    latencies: list[float] = []
    seconds = 0.0
    for child in children:
        out, _ = child.communicate(timeout=600)
        result = json.loads(out.strip().splitlines()[-1])
        latencies += result["latencies"]
        seconds = max(seconds, result["seconds"])
    return latencies, seconds


def _http(folder: Path, per_writer: int) -> tuple[list[float], float]:
    import httpx

    sys.path.insert(0, str(ROOT / "tests"))
    from api_conftest import LiveServer

    env = {"REPLYLINT_FEEDBACK_DATABASE": str(folder / "http.sqlite3"), "REPLYLINT_MODEL_DIR": str(folder / "no-model")}
    server = LiveServer(folder / "server.log", env=env, args=("--workers", "2")).start()
    try:
        body = {"verdict": "dismissed", "rule_id": "closes_the_door.no_reply", "label": "closes_the_door", "sentence": "x"}

        async def run() -> tuple[list[float], float]:
            latencies: list[float] = []
            limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
            async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as client:
                for warm in range(20):
                    await client.post("/v1/feedback", json={**body, "event_id": f"warm-{warm}"})

                async def writer(number: int) -> None:
                    for index in range(per_writer):
                        began = time.perf_counter()
                        response = await client.post("/v1/feedback", json={**body, "event_id": f"h{number}-{index}"})
                        latencies.append(time.perf_counter() - began)
                        assert response.status_code == 201, response.text

                began = time.perf_counter()
                await asyncio.gather(*(writer(n) for n in range(WRITERS)))
                return latencies, time.perf_counter() - began

        return asyncio.run(run())
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-writer", type=int, default=40, help="writes per writer (default 40)")
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure too (a scratch database: the bench writes to it)")
    parser.add_argument("--no-http", action="store_true", help="skip the live-server run")
    args = parser.parse_args(argv if argv is not None else [])
    print(f"== feedback == {WRITERS} concurrent writers, {args.per_writer} durable writes each; {TARGET}")
    folder = Path(tempfile.mkdtemp(prefix="replylint-bench-feedback-"))
    try:
        print(_line("SQLite, data layer, 50 threads in 1 process", *_processes(str(folder / "one.sqlite3"), 1, args.per_writer)))
        print(_line("SQLite, data layer, 2 processes x 25 threads", *_processes(str(folder / "two.sqlite3"), 2, args.per_writer)))
        if args.postgres:
            print(_line("PostgreSQL, data layer, 50 threads in 1 process", *_processes(args.postgres, 1, args.per_writer)))
        if not args.no_http:
            print(_line("SQLite, HTTP POST /v1/feedback, 2 workers, 50 clients", *_http(folder, max(5, args.per_writer // 4))))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
