"""Typed results of a lint: ``Suggestion``, ``Finding`` and ``Report``, and their JSON form.

The JSON form is versioned (``SCHEMA_VERSION``) and described by ``docs/report.schema.json``.
Offsets are given twice: ``start``/``end`` in Python code points and ``start_utf16``/
``end_utf16`` in UTF-16 code units for JavaScript clients; both slice back to ``text``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.0"

Severity = Literal["error", "warning", "info"]
Source = Literal["rule", "model", "both"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
# Worst first; ``None`` (a reply without findings) ranks after every severity.
SEVERITY_RANK: dict[str | None, int] = {**{severity: rank for rank, severity in enumerate(SEVERITIES)}, None: len(SEVERITIES)}


@dataclass(frozen=True)
class Span:
    """A stretch of the draft, in both offset kinds."""

    start: int
    end: int
    start_utf16: int
    end_utf16: int
    text: str


@dataclass(frozen=True)
class Suggestion:
    """A replacement for ``span``; ``placeholders`` lists the ``[...]`` slots the agent must fill."""

    replacement: str
    span: Span
    description: str = ""
    placeholders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    label: str
    rule_id: str
    severity: Severity
    message: str
    span: Span
    sentence: Span
    source: Source = "rule"
    model_probability: float | None = None
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    @property
    def text(self) -> str:
        return self.span.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "start": self.span.start,
            "end": self.span.end,
            "start_utf16": self.span.start_utf16,
            "end_utf16": self.span.end_utf16,
            "text": self.span.text,
            "sentence": asdict(self.sentence),
            "source": self.source,
            "model_probability": self.model_probability,
            "suggestions": [
                {
                    "replacement": s.replacement,
                    "description": s.description,
                    "placeholders": list(s.placeholders),
                    **{k: v for k, v in asdict(s.span).items()},
                }
                for s in self.suggestions
            ],
        }


Verdict = Literal["pass", "warn", "fail"]


@dataclass(frozen=True)
class Report:
    """The result of linting one draft."""

    verdict: Verdict
    score: float  # 0 = customer-first, 1 = certainly fails the customer
    findings: tuple[Finding, ...] = ()
    text_length: int = 0
    text_length_utf16: int = 0
    model: str | None = None  # name of the classifier that scored the draft, None for rules only
    schema_version: str = field(default=SCHEMA_VERSION)

    @property
    def labels(self) -> tuple[str, ...]:
        """Distinct labels found, in order of first appearance in the text."""
        return tuple(dict.fromkeys(f.label for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "labels": list(self.labels),
            "text_length": self.text_length,
            "text_length_utf16": self.text_length_utf16,
            "model": self.model,
            "findings": [f.to_dict() for f in self.findings],
        }
