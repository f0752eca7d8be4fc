"""The feedback store's schema, as numbered migrations applied in order at start.

Each migration has its SQLite and its PostgreSQL statements. ``apply_migrations`` runs the
missing ones in one transaction under a lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), so several workers starting at once migrate exactly once. A database newer than this
code is refused (E521) rather than written with the wrong shape. Never edit a released migration;
add the next number.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..errors import Errors, ReplylintError

SCHEMA_TABLE = "replylint_schema"
_ADVISORY_LOCK = 0x7265706C79  # "reply": one lock id for every replylint migration on a PostgreSQL server


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...]


_FEEDBACK_COLUMNS = """
    team TEXT NOT NULL,
    event_id TEXT,
    created_ms BIGINT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('dismissed', 'accepted', 'rewritten')),
    rule_id TEXT NOT NULL,
    label TEXT NOT NULL,
    model_score {real},
    sentence_hash TEXT NOT NULL,
    sentence TEXT,
    key_name TEXT,
    UNIQUE (team, event_id)
"""
_FEEDBACK_INDEXES = (
    "CREATE INDEX feedback_team_created ON feedback (team, created_ms)",
    "CREATE INDEX feedback_team_rule ON feedback (team, rule_id, label, verdict)",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "feedback: one row per agent verdict on a finding",
        sqlite=(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT," + _FEEDBACK_COLUMNS.format(real="REAL") + ")",
            *_FEEDBACK_INDEXES,
        ),
        postgres=(
            "CREATE TABLE feedback (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + _FEEDBACK_COLUMNS.format(real="DOUBLE PRECISION")
            + ")",
            *_FEEDBACK_INDEXES,
        ),
    ),
)
LATEST = MIGRATIONS[-1].version


def apply_migrations(connection: Any, dialect: str, target: str) -> list[int]:
    """Bring the database up to ``LATEST``; returns the versions applied now. ``connection`` is in autocommit mode."""
    cursor = connection.cursor()
    if dialect == "sqlite":
        cursor.execute("BEGIN IMMEDIATE")
    else:
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK,))
    try:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)"
        )
        cursor.execute(f"SELECT MAX(version) FROM {SCHEMA_TABLE}")
        current = cursor.fetchone()[0] or 0
        if current > LATEST:
            raise ReplylintError(Errors.E521, target=target, found=current, known=LATEST)
        applied = []
        mark = "?" if dialect == "sqlite" else "%s"
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            for statement in migration.sqlite if dialect == "sqlite" else migration.postgres:
                cursor.execute(statement)
            cursor.execute(
                f"INSERT INTO {SCHEMA_TABLE} (version, name, applied_ms) VALUES ({mark}, {mark}, {mark})",
                (migration.version, migration.name, int(time.time() * 1000)),
            )
            applied.append(migration.version)
        cursor.execute("COMMIT")
        return applied
    except BaseException:
        cursor.execute("ROLLBACK")
        raise
