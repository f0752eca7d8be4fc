"""The feedback store: agents' verdicts on findings, in SQLite (default) or PostgreSQL.

One data layer for both: plain DB-API (``sqlite3``, psycopg 3), the same SQL with ``?``
placeholders, the schema from ``migrations``. Writes are durable before they are acknowledged:
SQLite runs in WAL mode with ``synchronous=FULL`` and PostgreSQL commits synchronously, and
``record`` returns only after the commit. Concurrent writers go through one writer thread per
process that commits whatever is waiting in one transaction (group commit), so 50 writers cost a
few fsyncs, not 50; writers in other processes (API workers) wait on the database's own lock.

Privacy: a record carries the sentence's hash; the sentence text only when the caller passes it,
which the API does only for teams that opted in (``feedback.store_text``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import queue
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Errors, ReplylintError
from ..taxonomy import LABEL_IDS
from ..team import TeamConfig
from .migrations import apply_migrations

try:
    import fcntl
except ImportError:  # not on Windows: SQLite's busy handler alone serialises writers there
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("replylint.feedback")

VERDICTS = ("dismissed", "accepted", "rewritten")
DATABASE_ENV = "REPLYLINT_FEEDBACK_DATABASE"
RULE_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.-]{1,100}$")
EVENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
SENTENCE_HASH = re.compile(r"^[0-9a-f]{64}$")
MAX_SENTENCE_CHARS = 2000
GROUP_COMMIT_MAX = 512  # records per transaction at most
DAY_MS = 86_400_000

_COLUMNS = "team, event_id, created_ms, verdict, rule_id, label, model_score, sentence_hash, sentence, key_name"
_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def sentence_hash(sentence: str) -> str:
    """SHA-256 of the sentence with runs of whitespace collapsed: the same sentence, the same hash."""
    return hashlib.sha256(" ".join(sentence.split()).encode("utf-8")).hexdigest()


sentence_hash_of = sentence_hash  # for methods with a ``sentence_hash`` parameter


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class FeedbackRecord:
    """One agent's verdict on one finding."""

    team: str
    verdict: str
    rule_id: str
    label: str
    sentence_hash: str
    model_score: float | None = None
    sentence: str | None = None  # only for teams that opted in
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # the client's id: a retry is stored once
    key_name: str | None = None
    created_ms: int = field(default_factory=now_ms)

    @classmethod
    def from_verdict(
        cls,
        team: TeamConfig,
        *,
        verdict: str,
        rule_id: str,
        label: str,
        sentence: str | None = None,
        sentence_hash: str | None = None,
        model_score: float | None = None,
        event_id: str | None = None,
        key_name: str | None = None,
    ) -> FeedbackRecord:
        """The record to store for ``team``: the sentence's hash always, its text only if the team opted in."""
        if sentence is None and sentence_hash is None:
            raise ReplylintError(Errors.E523, reason="send the flagged 'sentence' or its 'sentence_hash'")
        digest = sentence_hash_of(sentence) if sentence is not None else str(sentence_hash)
        if sentence is not None and sentence_hash is not None and sentence_hash != digest:
            raise ReplylintError(Errors.E523, reason="'sentence_hash' is not the SHA-256 of 'sentence'; send one of them")
        return cls(
            team=team.name,
            verdict=verdict,
            rule_id=rule_id,
            label=label,
            sentence_hash=digest,
            model_score=model_score,
            sentence=sentence if team.feedback.store_text else None,
            event_id=event_id or uuid.uuid4().hex,
            key_name=key_name,
        )

    def check(self) -> None:
        """Reject what the schema would: a bad record never reaches the database (E523)."""
        problems = []
        if not self.team or len(self.team) > 64:
            problems.append("'team' must be 1-64 characters")
        if self.verdict not in VERDICTS:
            problems.append(f"'verdict' must be one of {', '.join(VERDICTS)}")
        if not RULE_ID.match(self.rule_id):
            problems.append("'rule_id' must look like 'label.rule_name'")
        if self.label not in LABEL_IDS:
            problems.append(f"'label' must be a taxonomy label ({', '.join(LABEL_IDS)})")
        if not SENTENCE_HASH.match(self.sentence_hash):
            problems.append("'sentence_hash' must be 64 lower-case hex digits (SHA-256)")
        if self.model_score is not None and not 0.0 <= self.model_score <= 1.0:
            problems.append("'model_score' must be from 0 to 1")
        if self.sentence is not None and not 0 < len(self.sentence) <= MAX_SENTENCE_CHARS:
            problems.append(f"'sentence' must be 1-{MAX_SENTENCE_CHARS} characters")
        if not isinstance(self.event_id, str) or not EVENT_ID.match(self.event_id):
            problems.append("'event_id' must be 1-64 of A-Z a-z 0-9 . _ : -")
        if problems:
            raise ReplylintError(Errors.E523, reason="; ".join(problems))

    def row(self) -> tuple[Any, ...]:
        return (
            self.team,
            self.event_id,
            self.created_ms,
            self.verdict,
            self.rule_id,
            self.label,
            self.model_score,
            self.sentence_hash,
            self.sentence,
            self.key_name,
        )


@dataclass(frozen=True)
class Stored:
    event_id: str  # the record's identity within its team
    duplicate: bool  # the event id was seen before: the first record stands


@dataclass(frozen=True)
class VerdictCounts:
    dismissed: int = 0
    accepted: int = 0
    rewritten: int = 0

    @property
    def total(self) -> int:
        return self.dismissed + self.accepted + self.rewritten

    @property
    def dismissal_rate(self) -> float:
        return self.dismissed / self.total if self.total else 0.0

    def plus(self, verdict: str, count: int) -> VerdictCounts:
        values = {"dismissed": self.dismissed, "accepted": self.accepted, "rewritten": self.rewritten}
        values[verdict] += count
        return VerdictCounts(**values)


@dataclass(frozen=True)
class FeedbackStats:
    """A team's verdicts per rule and per label; ``rules_over_threshold`` are the misfiring rules."""

    team: str
    records: int
    records_with_text: int
    oldest_ms: int | None
    rules: tuple[tuple[str, str, VerdictCounts], ...]  # (rule id, label, counts), most dismissed first
    labels: tuple[tuple[str, VerdictCounts], ...]
    dismissal_threshold: float
    min_verdicts: int

    @property
    def rules_over_threshold(self) -> tuple[str, ...]:
        return tuple(
            rule_id
            for rule_id, _, counts in self.rules
            if counts.total >= self.min_verdicts and counts.dismissal_rate >= self.dismissal_threshold
        )

    def to_dict(self) -> dict[str, Any]:
        over = set(self.rules_over_threshold)

        def counts(c: VerdictCounts) -> dict[str, Any]:
            return {
                "dismissed": c.dismissed,
                "accepted": c.accepted,
                "rewritten": c.rewritten,
                "total": c.total,
                "dismissal_rate": round(c.dismissal_rate, 4),
            }

        return {
            "team": self.team,
            "records": self.records,
            "records_with_text": self.records_with_text,
            "oldest": _iso(self.oldest_ms),
            "dismissal_threshold": self.dismissal_threshold,
            "min_verdicts": self.min_verdicts,
            "rules_over_threshold": sorted(over),
            "rules": [{"rule_id": r, "label": label, **counts(c), "over_threshold": r in over} for r, label, c in self.rules],
            "labels": [{"label": label, **counts(c)} for label, c in self.labels],
        }


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def default_database() -> str:
    """``$REPLYLINT_FEEDBACK_DATABASE``, else ``$XDG_DATA_HOME/replylint/feedback.sqlite3`` (~/.local/share/...)."""
    configured = os.environ.get(DATABASE_ENV)
    if configured:
        return configured
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return str(base / "replylint" / "feedback.sqlite3")


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def redacted(target: str) -> str:
    """The target for messages and logs: a URL's password is never shown."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", target)


class _Writer(threading.Thread):
    """Group commit: takes every record waiting, writes them in one transaction, then answers each."""

    def __init__(self, store: FeedbackStore) -> None:
        super().__init__(name="replylint-feedback-writer", daemon=True)
        self.store = store
        self.jobs: queue.Queue[tuple[FeedbackRecord, Future[Stored]] | None] = queue.Queue()

    def run(self) -> None:
        connection = self.store._connect()
        try:
            while True:
                job = self.jobs.get()
                if job is None:
                    return
                batch = [job]
                stopping = False
                while len(batch) < GROUP_COMMIT_MAX:
                    try:
                        more = self.jobs.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stopping = True
                        break
                    batch.append(more)
                self._write(connection, batch)
                if stopping:
                    return
        finally:
            connection.close()

    def _write(self, connection: Any, batch: list[tuple[FeedbackRecord, Future[Stored]]]) -> None:
        try:
            results = self.store._insert(connection, [record for record, _ in batch])
        except Exception as err:  # the whole transaction rolled back: try each record alone
            log.warning("feedback group commit of %d failed (%s); writing one by one", len(batch), type(err).__name__)
            for record, future in batch:
                try:
                    future.set_result(self.store._insert(connection, [record])[0])
                except Exception as single:
                    future.set_exception(ReplylintError(Errors.E524, reason=f"{type(single).__name__}: {single}"))
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)


class FeedbackStore:
    """Feedback in one database. ``record`` is thread-safe and durable on return."""

    def __init__(self, target: str | Path | None = None) -> None:
        self.target = str(target) if target is not None else default_database()
        self.dialect = "postgres" if is_postgres(self.target) else "sqlite"
        if self.dialect == "sqlite":
            self.path = Path(self.target.removeprefix("sqlite:///"))
            self._prepare_sqlite_file()
        self._reader = self._connect()
        self._read_lock = threading.Lock()
        apply_migrations(self._reader, self.dialect, redacted(self.target))
        self._writer = _Writer(self)
        self._writer.start()
        self._closed = False

    # -- connections ------------------------------------------------------------------------

    def _prepare_sqlite_file(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():  # feedback may hold personal data: owner-only
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as err:
            raise ReplylintError(Errors.E520, target=self.target, reason=err.strerror or str(err)) from err

    def _connect(self) -> Any:
        if self.dialect == "sqlite":
            try:
                connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=FULL")  # fsync the WAL at every commit: a 2xx is on disk
                connection.execute("PRAGMA busy_timeout=30000")  # other workers' writers: wait, don't fail
                return connection
            except sqlite3.Error as err:
                raise ReplylintError(Errors.E520, target=self.target, reason=str(err)) from err
        try:
            import psycopg
        except ImportError as err:
            raise ReplylintError(Errors.E522) from err
        try:
            return psycopg.connect(self.target, autocommit=True, connect_timeout=10)
        except psycopg.Error as err:
            raise ReplylintError(Errors.E520, target=redacted(self.target), reason=str(err).strip().splitlines()[0]) from err

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """SQLite: writers of every process queue on a file lock instead of SQLite's busy handler.

        The busy handler retries after sleeps of up to 100 ms, so two API workers writing at once
        would wait far longer than the write; a blocking ``flock`` wakes the next writer at once.
        """
        if self.dialect != "sqlite" or fcntl is None:
            yield
            return
        descriptor = os.open(f"{self.path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    def _sql(self, statement: str) -> str:
        return statement if self.dialect == "sqlite" else statement.replace("?", "%s")

    def _insert(self, connection: Any, records: list[FeedbackRecord]) -> list[Stored]:
        with self._write_lock():
            return self._insert_locked(connection, records)

    def _insert_locked(self, connection: Any, records: list[FeedbackRecord]) -> list[Stored]:
        """The batch in two statements: one query for retries already stored, one multi-row INSERT.

        Few statements matter: the driver releases the GIL at every step, and under a busy event
        loop each step waits to get it back.
        """
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
        try:
            teams = sorted({record.team for record in records})
            events = sorted({record.event_id for record in records})
            cursor.execute(
                self._sql(
                    f"SELECT team, event_id FROM feedback WHERE team IN ({', '.join('?' * len(teams))}) "
                    f"AND event_id IN ({', '.join('?' * len(events))})"
                ),
                (*teams, *events),
            )
            seen = {(team, event) for team, event in cursor.fetchall()}
            fresh, results = [], []
            for record in records:
                key = (record.team, record.event_id)
                results.append(Stored(record.event_id, key in seen))
                if key not in seen:
                    seen.add(key)
                    fresh.append(record)
            if fresh:
                cursor.execute(
                    self._sql(
                        f"INSERT INTO feedback ({_COLUMNS}) VALUES {', '.join([_ROW] * len(fresh))} "
                        "ON CONFLICT (team, event_id) DO NOTHING"  # stored meanwhile by another process: stored all the same
                    ),
                    tuple(value for record in fresh for value in record.row()),
                )
            cursor.execute("COMMIT")
            return results
        except BaseException:
            cursor.execute("ROLLBACK")
            raise

    def _read(self, statement: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._read_lock:
            cursor = self._reader.cursor()
            cursor.execute(self._sql(statement), parameters)
            return list(cursor.fetchall())

    def _change(self, statement: str, parameters: tuple[Any, ...]) -> int:
        with self._read_lock, self._write_lock():
            cursor = self._reader.cursor()
            cursor.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
            try:
                cursor.execute(self._sql(statement), parameters)
                count = cursor.rowcount
                cursor.execute("COMMIT")
                return count
            except BaseException:
                cursor.execute("ROLLBACK")
                raise

    # -- the API ----------------------------------------------------------------------------

    def submit(self, record: FeedbackRecord) -> Future[Stored]:
        """Queue one verdict for the next group commit; the future resolves once it is committed."""
        record.check()
        if self._closed:
            raise ReplylintError(Errors.E524, reason="the store is closed")
        future: Future[Stored] = Future()
        self._writer.jobs.put((record, future))
        return future

    def record(self, record: FeedbackRecord, timeout: float = 30.0) -> Stored:
        """Store one verdict; returns once it is committed (durable). E523 for a bad record, E524 on failure."""
        future = self.submit(record)
        try:
            return future.result(timeout)
        except TimeoutError as err:
            raise ReplylintError(Errors.E524, reason=f"no commit within {timeout:.0f} s") from err

    def stats(self, team: str, *, dismissal_threshold: float = 0.5, min_verdicts: int = 20) -> FeedbackStats:
        rows = self._read(
            "SELECT rule_id, label, verdict, COUNT(*) FROM feedback WHERE team = ? GROUP BY rule_id, label, verdict", (team,)
        )
        totals = self._read(
            "SELECT COUNT(*), COUNT(sentence), MIN(created_ms) FROM feedback WHERE team = ?",
            (team,),
        )[0]
        per_rule: dict[tuple[str, str], VerdictCounts] = {}
        per_label: dict[str, VerdictCounts] = {}
        for rule_id, label, verdict, count in rows:
            per_rule[(rule_id, label)] = per_rule.get((rule_id, label), VerdictCounts()).plus(verdict, int(count))
            per_label[label] = per_label.get(label, VerdictCounts()).plus(verdict, int(count))
        rules = sorted(per_rule.items(), key=lambda item: (-item[1].dismissal_rate, -item[1].total, item[0]))
        return FeedbackStats(
            team=team,
            records=int(totals[0]),
            records_with_text=int(totals[1]),
            oldest_ms=int(totals[2]) if totals[2] is not None else None,
            rules=tuple((rule_id, label, counts) for (rule_id, label), counts in rules),
            labels=tuple(sorted(per_label.items())),
            dismissal_threshold=dismissal_threshold,
            min_verdicts=min_verdicts,
        )

    def sentences(self, team: str) -> list[tuple[str, str, str, int]]:
        """Opted-in feedback for training: (sentence, label, verdict, count), grouped by sentence hash."""
        rows = self._read(
            "SELECT sentence_hash, MIN(sentence), label, verdict, COUNT(*) FROM feedback "
            "WHERE team = ? AND sentence IS NOT NULL GROUP BY sentence_hash, label, verdict ORDER BY sentence_hash, label",
            (team,),
        )
        return [(sentence, label, verdict, int(count)) for _, sentence, label, verdict, count in rows]

    def teams(self) -> list[str]:
        return [row[0] for row in self._read("SELECT DISTINCT team FROM feedback ORDER BY team")]

    def count(self, team: str) -> int:
        return int(self._read("SELECT COUNT(*) FROM feedback WHERE team = ?", (team,))[0][0])

    def purge(self, team: str, *, older_than_days: float, now: int | None = None) -> int:
        """Delete the team's records older than ``older_than_days``; returns how many went."""
        cutoff = (now if now is not None else now_ms()) - int(older_than_days * DAY_MS)
        deleted = self._change("DELETE FROM feedback WHERE team = ? AND created_ms < ?", (team, cutoff))
        if deleted:
            log.info("feedback retention: deleted %d record(s) of team %s older than %g days", deleted, team, older_than_days)
        return deleted

    def purge_all(self, retention_days: Mapping[str, float], default_days: float) -> int:
        """Apply every team's retention (``default_days`` for teams not in ``retention_days``)."""
        return sum(self.purge(team, older_than_days=retention_days.get(team, default_days)) for team in self.teams())

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._writer.jobs.put(None)
        self._writer.join(timeout=30)
        with self._read_lock:
            self._reader.close()

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
