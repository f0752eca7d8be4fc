"""Score stored replies: lint what the customer reads, map findings back to the source, and build
the fix (the whole-reply rewrite written in the source's own form, placeholders restored).

One result row (a plain dict, the JSONL form) per reply::

    {"index", "id", "verdict", "score", "labels", "severity", "findings": [...], "fix": {...} | null}
    {"index", "id", "error": {"code", "message"}}

Finding offsets (``start``/``end`` code points, ``start_utf16``/``end_utf16``) point into the
stored text: the HTML source for HTML bodies, with placeholders as written.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..core import Linter, build_report
from ..errors import ReplylintError
from ..offsets import OffsetMap
from ..report import SEVERITY_RANK, Finding, Report, Span
from ..rewriter import apply_edits, rewrite
from .view import TextView, placeholder_counts, reader_view


def score_texts(linter: Linter, items: Sequence[tuple[str | None, bool]], *, fix: bool = True) -> list[dict[str, Any]]:
    """Rows for ``(text, is_html)`` items (``text`` None: already an error row, left to the caller).

    spaCy and the classifier run once over the whole chunk (``Linter.lint_batch``).
    """
    views = [reader_view(text, is_html=is_html) if text is not None else None for text, is_html in items]
    reports = iter(linter.lint_batch([view.text for view in views if view is not None]))
    rows: list[dict[str, Any]] = []
    for view, (_, is_html) in zip(views, items, strict=True):
        if view is None:
            rows.append({})
            continue
        report = next(reports)
        if isinstance(report, ReplylintError):
            rows.append({"error": {"code": report.code, "message": report.message}})
            continue
        rows.append(_row(linter, view, report, is_html=is_html, fix=fix))
    return rows


def _row(linter: Linter, view: TextView, report: Report, *, is_html: bool, fix: bool) -> dict[str, Any]:
    # A placeholder is never a problem in itself ("Hi {{ticket.requester.first_name}}," is fine).
    kept = [f for f in report.findings if not view.only_standins(f.start, f.end)]
    if len(kept) != len(report.findings):
        report = build_report(view.text, kept, report.model)
    source = view.source
    offsets = OffsetMap(source)
    findings = [_to_source(finding, view, offsets) for finding in report.findings]
    source_report = build_report(source, findings, report.model)
    body = source_report.to_dict()
    row: dict[str, Any] = {
        "verdict": body["verdict"],
        "score": body["score"],
        "labels": body["labels"],
        "severity": worst_severity(body["findings"]),
        "findings": body["findings"],
        "fix": None,
    }
    if fix and report.findings:
        row["fix"] = fix_back(linter, view, report, is_html=is_html)
    return row


def worst_severity(findings: list[dict[str, Any]]) -> str | None:
    return min((f["severity"] for f in findings), key=SEVERITY_RANK.__getitem__, default=None)


def _to_source(finding: Finding, view: TextView, offsets: OffsetMap) -> Finding:
    def span(value: Span) -> Span:
        start, end = view.source_range(value.start, value.end)
        return Span(start, end, offsets.utf16(start), offsets.utf16(end), view.source[start:end])

    suggestions = tuple(replace(s, span=span(s.span), replacement=view.restore(s.replacement)) for s in finding.suggestions)
    return replace(finding, span=span(finding.span), sentence=span(finding.sentence), suggestions=suggestions)


def fix_back(linter: Linter, view: TextView, report: Report, *, is_html: bool) -> dict[str, Any]:
    """The whole-reply rewrite as the stored text, or why it cannot be written back safely.

    An edit is written into the source range its words came from; in HTML that range must hold no
    markup (a sentence split by <b> would lose the tag) and the new words are escaped. Every
    placeholder of the source must still be there afterwards.
    """
    result = rewrite(linter, view.text, report=report, recheck=False)
    if not result.edits:
        return {"text": None, "edits": 0, "fill_in": [], "note": "no automatic rewrite for these findings"}
    source = view.source
    edits = []
    for edit in result.edits:
        start, end = view.source_range(edit.span.start, edit.span.end)
        if is_html and "<" in source[start:end]:
            return {"text": None, "edits": 0, "fill_in": [], "note": "a flagged sentence spans HTML markup: edit it by hand"}
        new = view.restore(edit.new)
        edits.append(
            replace(
                edit, span=Span(start, end, start, end, source[start:end]), new=html.escape(new, quote=False) if is_html else new
            )
        )
    fixed = apply_edits(source, edits)
    if not placeholder_counts(fixed) >= placeholder_counts(source):
        return {"text": None, "edits": 0, "fill_in": [], "note": "the rewrite would drop a helpdesk placeholder: edit it by hand"}
    fill_in = list(dict.fromkeys(p for e in result.edits for p in e.placeholders))
    return {"text": fixed, "edits": len(edits), "fill_in": fill_in, "note": None}
