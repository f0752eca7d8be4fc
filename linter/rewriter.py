"""Whole-draft rewrite: apply a customer-first replacement to every flagged sentence.

Greeting, sign-off, quoted customer text and every fact stay; the customer's problem comes before
any process note; the result is at most ``MAX_GROWTH`` times as long as the draft (shorter template
variants are used when the fuller ones would exceed it). Returns the new text and the edits, each
with the original span, the new text and the reason, so a UI can show a diff and apply them one by
one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .context import Context
from .core import Linter
from .offsets import OffsetMap
from .report import SEVERITY_RANK, Finding, Report, Span
from .rules import PLACEHOLDER
from .suggest import REASONS, TEMPLATES, fill, replacement_range
from .voice import quoted_ranges

MAX_GROWTH = 1.6
# A sentence that points the customer to a channel for next time: it goes after the fix.
_PROCESS_NOTE = re.compile(
    r"\b(?:in (?:the )?future|next time|going forward|you can also|alternatively)\b.{0,80}\b(?:website|portal|online|app|form|ticket|phone|hotline|email|chat)\b",
    re.I,
)


@dataclass(frozen=True)
class Edit:
    span: Span  # in the original text
    new: str
    reason: str
    label: str | None = None
    rule_id: str | None = None
    placeholders: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.span.start,
            "end": self.span.end,
            "start_utf16": self.span.start_utf16,
            "end_utf16": self.span.end_utf16,
            "old": self.span.text,
            "new": self.new,
            "reason": self.reason,
            "label": self.label,
            "rule_id": self.rule_id,
            "placeholders": list(self.placeholders),
        }


@dataclass(frozen=True)
class Rewrite:
    original: str
    text: str
    edits: tuple[Edit, ...]
    placeholders: tuple[Span, ...]  # in the new text
    report: Report  # of the original draft
    after: Report | None = field(default=None)  # of the rewritten draft

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "edits": [e.to_dict() for e in self.edits],
            "placeholders": [
                {"text": p.text, "start": p.start, "end": p.end, "start_utf16": p.start_utf16, "end_utf16": p.end_utf16}
                for p in self.placeholders
            ],
            "report": self.report.to_dict(),
            "after": self.after.to_dict() if self.after else None,
        }


def rewrite(
    linter: Linter,
    text: str,
    context: Context | dict[str, Any] | None = None,
    *,
    recheck: bool = True,
    report: Report | None = None,
) -> Rewrite:
    """``report``: the draft's report when the caller already has it (batch scoring), to skip a second lint."""
    report = report if report is not None else linter.lint(text, context)
    offsets = OffsetMap(text)
    slots = linter.slots(text)
    # One replacement per flagged sentence: the most severe, most certain finding decides the label.
    quoted = quoted_ranges(text)
    by_range: dict[tuple[int, int], Finding] = {}
    for finding in report.findings:
        if finding.label not in TEMPLATES:
            continue  # checks against the ticket (linter/ticket.py) carry their own span suggestions
        key = _outside_quotes(text, replacement_range(text, finding.sentence), quoted)
        if key is None:
            continue
        best = by_range.get(key)
        if best is None or _priority(finding) < _priority(best):
            by_range[key] = finding
    ranges = sorted(by_range)
    variant = {key: 0 for key in ranges}

    def build() -> list[Edit]:
        # A second flagged sentence with the same label folds into the first one's replacement
        # (its facts carried over), so the rewrite never repeats itself.
        first_of_label: dict[str, tuple[int, int]] = {}
        members: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for key in ranges:
            label = by_range[key].label
            first = first_of_label.setdefault(label, key)
            members.setdefault(first, []).append(key)
        kept = {s.text for s in slots if not any(a <= s.start and s.end <= b for a, b in ranges)}
        edits = []
        for start, end in ranges:
            finding = by_range[(start, end)]
            span = Span(start, end, offsets.utf16(start), offsets.utf16(end), text[start:end])
            if (start, end) not in members:
                edits.append(
                    Edit(span, "", REASONS[finding.label] + " (Merged into the sentence above.)", finding.label, finding.rule_id)
                )
                continue
            group_slots = [s for s in slots if any(a <= s.start and s.end <= b for a, b in members[(start, end)])]
            new = fill(finding.label, variant[(start, end)], group_slots, slots, kept)
            placeholders = tuple(dict.fromkeys(PLACEHOLDER.findall(new)))
            edits.append(Edit(span, new, REASONS[finding.label], finding.label, finding.rule_id, placeholders))
        return edits

    edits = build()
    # Keep within MAX_GROWTH: shorten the longest replacements first.
    while _length_after(text, edits) > MAX_GROWTH * len(text):
        candidates = [k for k in ranges if variant[k] < len(TEMPLATES[by_range[k].label]) - 1]
        if not candidates:
            break
        longest = max(candidates, key=lambda k: len(next(e.new for e in edits if (e.span.start, e.span.end) == k)))
        variant[longest] += 1
        edits = build()
    edits += _move_process_notes(text, offsets, edits, report)
    new_text = apply_edits(text, edits)
    placeholders = _placeholder_spans(new_text)
    after = linter.lint(new_text, context) if recheck and len(new_text) <= linter.max_chars else None
    return Rewrite(text, new_text, tuple(sorted(edits, key=lambda e: (e.span.start, e.span.end))), placeholders, report, after)


def _outside_quotes(text: str, span: tuple[int, int], quoted: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Shrink a replacement range so it starts after any quoted customer text it overlaps."""
    start, end = span
    for q_start, q_end in quoted:
        if q_start < end and start < q_end:
            start = q_end
            while start < end and (text[start] in "\"”’'»,.;: \t\n"):
                start += 1
    return (start, end) if end - start > 1 else None


def _priority(finding: Finding) -> tuple[int, float]:
    return SEVERITY_RANK[finding.severity], -(finding.model_probability or 0.0)


def _length_after(text: str, edits: list[Edit]) -> int:
    return len(text) + sum(len(e.new) - (e.span.end - e.span.start) for e in edits)


def _move_process_notes(text: str, offsets: OffsetMap, edits: list[Edit], report: Report) -> list[Edit]:
    """Move channel notes ("next time, use our website") that come before the last fix to after it."""
    if not edits:
        return []
    last_fix_end = max(e.span.end for e in edits)
    taken = [(e.span.start, e.span.end) for e in edits]
    moves: list[Edit] = []
    moved_text: list[str] = []
    for match in re.finditer(r"[^.!?\n]+[.!?]", text[:last_fix_end]):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        if any(a < end and start < b for a, b in taken) or not _PROCESS_NOTE.search(text, start, end):
            continue
        moves.append(
            Edit(
                Span(start, end, offsets.utf16(start), offsets.utf16(end), text[start:end]),
                "",
                "Handle the problem first; the process note moves after the fix.",
            )
        )
        moved_text.append(text[start:end])
    if moves:
        point = last_fix_end
        span = Span(point, point, offsets.utf16(point), offsets.utf16(point), "")
        moves.append(Edit(span, " " + " ".join(moved_text), "Process note, after the fix."))
    return moves


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits; an insertion at a point goes after a replacement ending there.

    A deletion also takes one space next to it, so no double space is left behind.
    """
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end, e.span.end == e.span.start))
    parts, cursor = [], 0
    for edit in ordered:
        start, end = edit.span.start, edit.span.end
        if not edit.new and end > start:
            if start > cursor and text[start - 1] == " ":
                start -= 1
            elif end < len(text) and text[end] == " ":
                end += 1
        parts.append(text[cursor:start])
        parts.append(edit.new)
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def _placeholder_spans(text: str) -> tuple[Span, ...]:
    offsets = OffsetMap(text)
    return tuple(
        Span(m.start(), m.end(), offsets.utf16(m.start()), offsets.utf16(m.end()), m.group(0)) for m in PLACEHOLDER.finditer(text)
    )
