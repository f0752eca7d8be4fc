"""replylint: a linter for customer-support reply drafts.

>>> import linter
>>> report = linter.lint("You will not receive a reply.")
>>> report.labels
('closes_the_door',)
"""

from __future__ import annotations

from functools import lru_cache  # noqa: E402
from typing import Any

from . import _spacy_without_torch  # noqa: F401  (must run before spaCy is imported)
from .context import Context
from .core import Linter
from .errors import Errors, ReplylintError
from .report import SCHEMA_VERSION, Finding, Report, Span, Suggestion
from .rewrite import Edit, Rewrite
from .taxonomy import LABEL_IDS, LABELS

__version__ = "0.1.0"

__all__ = [
    "Context",
    "Edit",
    "Errors",
    "Rewrite",
    "Finding",
    "LABELS",
    "LABEL_IDS",
    "Linter",
    "Report",
    "ReplylintError",
    "SCHEMA_VERSION",
    "Span",
    "Suggestion",
    "default_linter",
    "lint",
    "rewrite",
]


@lru_cache(maxsize=1)
def default_linter() -> Linter:
    """The process-wide linter: the built-in rules and the shipped classifier."""
    return Linter(model="auto")


def lint(text: str, context: Context | dict[str, Any] | None = None) -> Report:
    """Lint one draft with the default linter."""
    return default_linter().lint(text, context)


def rewrite(text: str, context: Context | dict[str, Any] | None = None) -> Rewrite:
    """Rewrite one draft customer-first with the default linter (see ``linter.rewrite``)."""
    from .rewrite import rewrite as rewrite_draft

    return rewrite_draft(default_linter(), text, context)
