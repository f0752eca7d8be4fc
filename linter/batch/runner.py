"""Score replies in chunks, in this process or across worker processes, streaming and in order.

Each worker builds one ``Linter`` (one onnxruntime thread: the workers are the parallelism) and
scores chunks of replies with batched spaCy and model calls. At most a few chunks per worker are
in flight, so memory stays flat however long the input is, and results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TextIO

from .formats import Reply

CHUNK_SIZE = 32
CHUNKS_IN_FLIGHT_PER_WORKER = 3


@dataclass(frozen=True)
class LinterSpec:
    """How each process builds its linter (picklable, so workers can build their own)."""

    model_dir: str | None = None
    rules_only: bool = False

    def build(self):
        return _build_linter(self)


@lru_cache(maxsize=4)
def _build_linter(spec: LinterSpec):
    """One linter per spec and process (loading rules and the model takes seconds)."""
    from .. import Linter, default_linter

    if spec.rules_only:
        return Linter(model=None)
    if spec.model_dir:
        return Linter(model=spec.model_dir)
    return default_linter()


_worker_linter = None
_worker_fix = True


def _init_worker(spec: LinterSpec, fix: bool) -> None:
    from ..core import freeze_long_lived_objects

    global _worker_linter, _worker_fix
    os.environ["REPLYLINT_MODEL_THREADS"] = "1"
    _worker_linter = spec.build()
    _worker_fix = fix
    freeze_long_lived_objects()


def _score_chunk(items: list[tuple[str | None, bool]]) -> list[dict[str, Any]]:
    from .score import score_texts

    return score_texts(_worker_linter, items, fix=_worker_fix)


def _chunks(replies: Iterable[Reply], size: int) -> Iterator[list[Reply]]:
    chunk: list[Reply] = []
    for reply in replies:
        chunk.append(reply)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rows(chunk: list[Reply], scored: list[dict[str, Any]]) -> Iterator[tuple[Reply, dict[str, Any]]]:
    for reply, row in zip(chunk, scored, strict=True):
        head = {"index": reply.index, "id": reply.id}
        if reply.error is not None:
            yield reply, {**head, "error": {"code": reply.error[0], "message": reply.error[1]}}
        else:
            yield reply, {**head, **row}


def score_replies(
    replies: Iterable[Reply],
    spec: LinterSpec,
    *,
    workers: int = 1,
    fix: bool = True,
    chunk_size: int = CHUNK_SIZE,
    own_process: bool = False,
) -> Iterator[tuple[Reply, dict[str, Any]]]:
    """(reply, result row) for every reply, in input order. Worker processes, and this process when
    it is the run's own (``own_process``), freeze their linter's objects once it is built."""
    items = lambda chunk: [(r.text if r.error is None else None, r.is_html) for r in chunk]  # noqa: E731
    if workers <= 1:
        from ..core import freeze_long_lived_objects
        from .score import score_texts  # here, not at the top: a parent of workers never needs spaCy

        linter = spec.build()
        if own_process:
            freeze_long_lived_objects()
        for chunk in _chunks(replies, chunk_size):
            yield from _rows(chunk, score_texts(linter, items(chunk), fix=fix))
        return
    context = multiprocessing.get_context("spawn")  # a clean interpreter per worker: no forked threads
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(spec, fix)) as pool:
        window: deque[tuple[list[Reply], Future]] = deque()
        try:
            for chunk in _chunks(replies, chunk_size):
                window.append((chunk, pool.submit(_score_chunk, items(chunk))))
                if len(window) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER:
                    done, future = window.popleft()
                    yield from _rows(done, future.result())
            while window:
                done, future = window.popleft()
                yield from _rows(done, future.result())
        finally:
            for _, future in window:
                future.cancel()


class Progress:
    """``12,345/100,000 replies  318/s  4:35 left`` on one rewritten terminal line."""

    def __init__(self, total: int | None, done: int = 0, stream: TextIO = sys.stderr, enabled: bool = True) -> None:
        self.total, self.done, self.stream, self.enabled = total, done, stream, enabled
        self.started = time.monotonic()
        self.start_count = done
        self.last_draw = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and now - self.last_draw >= 0.5:
            self.last_draw = now
            self.draw(now)

    def draw(self, now: float | None = None, end: str = "") -> None:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = (self.done - self.start_count) / elapsed
        total = f"/{self.total:,}" if self.total else ""
        left = ""
        if self.total and rate > 0:
            seconds = int(max(self.total - self.done, 0) / rate)
            left = f"  {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d} left"
        self.stream.write(f"\r{self.done:,}{total} replies  {rate:,.0f}/s{left}   {end}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.draw(end="\n")
