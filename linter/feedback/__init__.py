"""Agents' verdicts on findings (dismissed, accepted, rewritten): storage, stats, training export.

>>> from linter.feedback import FeedbackStore, FeedbackRecord, sentence_hash
>>> store = FeedbackStore("/tmp/feedback.sqlite3")          # or "postgresql://..."
>>> store.record(FeedbackRecord("acme", "dismissed", "closes_the_door.no_reply", "closes_the_door",
...                             sentence_hash("You will not receive a reply.")))
"""

from .export import training_examples, write_training_jsonl
from .migrations import LATEST as SCHEMA_VERSION
from .store import (
    DATABASE_ENV,
    VERDICTS,
    FeedbackRecord,
    FeedbackStats,
    FeedbackStore,
    Stored,
    VerdictCounts,
    default_database,
    redacted,
    sentence_hash,
)

__all__ = [
    "DATABASE_ENV",
    "SCHEMA_VERSION",
    "VERDICTS",
    "FeedbackRecord",
    "FeedbackStats",
    "FeedbackStore",
    "Stored",
    "VerdictCounts",
    "default_database",
    "redacted",
    "sentence_hash",
    "training_examples",
    "write_training_jsonl",
]
