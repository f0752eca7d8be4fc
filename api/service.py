"""The one linter of a worker, run off the event loop with a bound on admitted work.

Linting is CPU work (spaCy matching, onnxruntime), so it runs on a small thread pool. Every
request takes one slot before it is queued; when all ``max_in_flight`` slots are taken the request
is refused at once with 503 and ``Retry-After`` rather than queued without limit. A slot is freed
when its work finishes, even if the client has gone, so the bound holds for work actually queued.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from linter import Linter, Report, Rewrite
from linter.errors import Errors, ReplylintError
from linter.model import default_model_dir
from linter.rewriter import rewrite as rewrite_draft

from .errors import ApiError
from .metrics import Metrics
from .settings import Settings

log = logging.getLogger("replylint.api")

T = TypeVar("T")

SELF_TEST_DRAFT = "Thanks for your message. This mailbox is not monitored."
SELF_TEST_LABEL = "closes_the_door"
BATCH_CHUNK = 16  # drafts per thread-pool job: a big batch never holds a thread for long


def build_linter(settings: Settings) -> Linter:
    """Rules plus the classifier when its folder exists; a broken model folder fails here, loudly."""
    model_dir = settings.model_dir or default_model_dir()
    if model_dir.is_dir():
        return Linter(model=model_dir, max_chars=settings.max_chars)
    level = logging.ERROR if settings.require_model else logging.WARNING
    log.log(
        level,
        "no classifier at %s: linting with rules alone%s",
        model_dir,
        " (/readyz answers 503: require_model is on)" if settings.require_model else "",
    )
    return Linter(model=None, max_chars=settings.max_chars)


@dataclass(frozen=True)
class Readiness:
    ready: bool
    model_loaded: bool
    model: str | None
    require_model: bool
    rules: int
    self_test: str
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "ready" if self.ready else "not_ready",
            "ready": self.ready,
            "model_loaded": self.model_loaded,
            "model": self.model,
            "require_model": self.require_model,
            "rules": self.rules,
            "self_test": self.self_test,
        }


@dataclass(frozen=True)
class BatchItem:
    """One batch entry after validation: either a draft to lint or the error that stopped it."""

    id: str | int | None
    text: str | None = None
    context: dict[str, Any] | None = None
    error: ApiError | None = None


class _Slot:
    """One admitted unit of work; released exactly once."""

    __slots__ = ("_service", "_released")

    def __init__(self, service: LintService) -> None:
        self._service = service
        self._released = False

    def release(self, _future: object = None) -> None:
        with self._service._lock:
            if not self._released:
                self._released = True
                self._service._in_flight -= 1
                self._service.metrics.in_flight.dec()


class LintService:
    def __init__(self, linter: Linter, settings: Settings, metrics: Metrics) -> None:
        self.linter = linter
        self.settings = settings
        self.metrics = metrics
        self.executor = ThreadPoolExecutor(settings.inference_threads, thread_name_prefix="replylint-lint")
        self._lock = threading.Lock()
        self._in_flight = 0
        self._label_counters: dict[str, Any] = {}
        self._draft_counters = {
            endpoint: metrics.drafts.labels(endpoint) for endpoint in ("lint", "batch", "languagetool", "rewrite")
        }
        self.readiness = Readiness(
            False, self.model_loaded, linter.model_name, settings.require_model, len(linter.rules), "not run"
        )
        metrics.model_loaded.set(1 if self.model_loaded else 0)

    @property
    def model_loaded(self) -> bool:
        return self.linter.model is not None

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def self_test(self) -> Readiness:
        """Lint a known draft; ready when it is flagged and (if required) the model scored it."""
        started = time.perf_counter()
        try:
            report = self.linter.lint(SELF_TEST_DRAFT)
        except Exception as err:  # any failure here means not ready, with the reason
            result, passed = f"failed: {type(err).__name__}", False
        else:
            passed = SELF_TEST_LABEL in report.labels and (report.model is not None) == self.model_loaded
            result = (
                f"passed in {(time.perf_counter() - started) * 1000:.1f} ms"
                if passed
                else f"failed: expected {SELF_TEST_LABEL}, got {list(report.labels)}"
            )
        reason = None
        if not passed:
            reason = f"the self-test draft was not linted as expected ({result})"
        elif self.settings.require_model and not self.model_loaded:
            reason = f"the classifier is not loaded (looked in {self.settings.model_dir or default_model_dir()}); build it with 'make model', set REPLYLINT_MODEL_DIR, or set REPLYLINT_REQUIRE_MODEL=false to serve rules alone"
        self.readiness = Readiness(
            reason is None,
            self.model_loaded,
            self.linter.model_name,
            self.settings.require_model,
            len(self.linter.rules),
            result,
            reason,
        )
        return self.readiness

    # -- admission ---------------------------------------------------------------------------

    def _admit(self) -> _Slot:
        with self._lock:
            if self._in_flight >= self.settings.max_in_flight:
                busy = self._in_flight
            else:
                self._in_flight += 1
                self.metrics.in_flight.inc()
                return _Slot(self)
        self.metrics.rejected.labels("overloaded").inc()
        retry = self.settings.retry_after_seconds
        raise ApiError(503, Errors.E453, headers={"Retry-After": str(retry)}, in_flight=busy, retry_after=retry)

    def _submit(self, slot: _Slot | None, function: Callable[..., T], *args: Any) -> Future[T]:
        try:
            future = self.executor.submit(contextvars.copy_context().run, function, *args)
        except RuntimeError:  # executor shut down: the server is stopping
            if slot:
                slot.release()
            raise
        if slot:
            future.add_done_callback(slot.release)
        return future

    # -- work --------------------------------------------------------------------------------

    async def lint(
        self, text: str, context: dict[str, Any] | None, *, endpoint: str = "lint", linter: Linter | None = None
    ) -> Report:
        """Lint one draft in the pool (with the team's ``linter`` if given); 413 for an over-long draft, 503 when full."""
        report = await self._one(text, self._lint_one, text, context, linter)
        self._record(report, endpoint)
        return report

    async def rewrite(self, text: str, context: dict[str, Any] | None, *, linter: Linter | None = None) -> Rewrite:
        """Rewrite one draft in the pool (the same limits and admission as ``lint``)."""
        result = await self._one(text, rewrite_draft, linter or self.linter, text, context)
        self._record(result.report, "rewrite")
        return result

    async def _one(self, text: str, function: Callable[..., T], *args: Any) -> T:
        if len(text) > self.settings.max_chars:
            raise ApiError(413, Errors.E001, length=len(text), limit=self.settings.max_chars)
        slot = self._admit()
        try:
            return await asyncio.wrap_future(self._submit(slot, function, *args))
        except ReplylintError as err:
            raise ApiError.from_core(err) from None

    async def lint_batch(self, items: Sequence[BatchItem], *, linter: Linter | None = None) -> list[Report | ApiError]:
        """Lint items in order, a chunk per job; an item's error is its own entry, the rest still run."""
        results: list[Report | ApiError] = [item.error if item.error else None for item in items]  # type: ignore[misc]
        todo = [index for index, item in enumerate(items) if item.error is None]
        slot = self._admit()
        current: Future[Any] | None = None
        try:
            for start in range(0, len(todo), BATCH_CHUNK):
                chunk = todo[start : start + BATCH_CHUNK]
                current = self._submit(None, self._lint_many, [(items[i].text, items[i].context) for i in chunk], linter)
                for index, outcome in zip(chunk, await asyncio.wrap_future(current), strict=True):
                    results[index] = outcome
        finally:
            if current is None or current.done():
                slot.release()
            else:  # cancelled while a chunk runs: the slot frees when the chunk does
                current.add_done_callback(slot.release)
        for outcome in results:
            if isinstance(outcome, Report):
                self._record(outcome, "batch")
        return results

    def _lint_one(self, text: str, context: dict[str, Any] | None, linter: Linter | None = None) -> Report:
        if self.settings.log_text:  # only when the operator asked for it
            log.info("draft text (log_text is on): %r", text)
        return (linter or self.linter).lint(text, context)

    def _lint_many(
        self, drafts: list[tuple[str, dict[str, Any] | None]], linter: Linter | None = None
    ) -> list[Report | ApiError]:
        outcomes: list[Report | ApiError] = []
        for text, context in drafts:
            try:
                outcomes.append(self._lint_one(text, context, linter))
            except ReplylintError as err:
                outcomes.append(ApiError.from_core(err))
        return outcomes

    def _record(self, report: Report, endpoint: str) -> None:
        self._draft_counters[endpoint].inc()
        self.metrics.draft_chars.observe(report.text_length)
        for finding in report.findings:
            counter = self._label_counters.get(finding.label)
            if counter is None:
                counter = self._label_counters[finding.label] = self.metrics.findings.labels(finding.label)
            counter.inc()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
