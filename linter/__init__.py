"""replylint: a linter for customer-support reply drafts.

>>> import linter
>>> report = linter.lint("You will not receive a reply.")
>>> report.labels
('closes_the_door',)
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import Context
    from .core import Linter
    from .errors import Errors, ReplylintError
    from .report import SCHEMA_VERSION, Finding, Report, Span, Suggestion
    from .rewriter import Edit, Rewrite
    from .taxonomy import LABEL_IDS, LABELS

# Imported on first use, so that ``replylint --help`` or a batch run's parent process (whose
# workers do the linting) does not pay for spaCy.
_LAZY_EXPORTS = {
    "Context": "context",
    "Linter": "core",
    "Errors": "errors",
    "ReplylintError": "errors",
    "SCHEMA_VERSION": "report",
    "Finding": "report",
    "Report": "report",
    "Span": "report",
    "Suggestion": "report",
    "Edit": "rewriter",
    "Rewrite": "rewriter",
    "LABEL_IDS": "taxonomy",
    "LABELS": "taxonomy",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY_EXPORTS:
        raise AttributeError(f"module 'linter' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


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
    from .core import Linter

    return Linter(model="auto")


def lint(text: str, context: Context | dict[str, Any] | None = None) -> Report:
    """Lint one draft with the default linter."""
    return default_linter().lint(text, context)


def rewrite(text: str, context: Context | dict[str, Any] | None = None) -> Rewrite:
    """Rewrite one draft customer-first with the default linter (see ``linter.rewriter``)."""
    from .rewriter import rewrite as rewrite_draft

    return rewrite_draft(default_linter(), text, context)
