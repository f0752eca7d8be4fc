"""Batch scoring of stored replies: helpdesk exports in, reports, SARIF and fixes out.

``replylint batch`` (``linter/batch/cli.py``) drives it; ``run_batch`` is the Python entry point
and ``linter.batch.spark.score_archive`` the Spark one.
"""

from .formats import FORMATS, Reply, open_format
from .run import BatchOptions, BatchResult, run_batch
from .runner import LinterSpec, score_replies
from .view import TextView, html_view, reader_view

__all__ = [
    "FORMATS",
    "BatchOptions",
    "BatchResult",
    "LinterSpec",
    "Reply",
    "TextView",
    "html_view",
    "open_format",
    "reader_view",
    "run_batch",
    "score_replies",
    "score_texts",
]


def __getattr__(name: str):
    if name == "score_texts":  # imported on use: it loads spaCy, which a parent of workers never needs
        from .score import score_texts

        return score_texts
    raise AttributeError(f"module 'linter.batch' has no attribute {name!r}")
