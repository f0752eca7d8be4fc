"""Rule hits (and, later in the pipeline, model scores) become findings with exact spans."""

from __future__ import annotations

from .offsets import OffsetMap
from .report import Finding, Span, Suggestion
from .rules import PLACEHOLDER, RuleHit

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def make_span(text: str, offsets: OffsetMap, start: int, end: int) -> Span:
    return Span(start, end, offsets.utf16(start), offsets.utf16(end), text[start:end])


def findings_from_hits(text: str, offsets: OffsetMap, hits: list[RuleHit]) -> list[Finding]:
    """One finding per label and sentence: the most severe rule wins, its span is the one shown."""
    chosen: dict[tuple[str, int], RuleHit] = {}
    for hit in hits:
        key = (hit.rule.label, hit.sent_start)
        current = chosen.get(key)
        if current is None or _better(hit, current):
            chosen[key] = hit
    findings = []
    for hit in sorted(chosen.values(), key=lambda h: (h.start, h.end, h.rule.label)):
        span = make_span(text, offsets, hit.start, hit.end)
        sentence = make_span(text, offsets, hit.sent_start, hit.sent_end)
        findings.append(
            Finding(
                label=hit.rule.label,
                rule_id=hit.rule.id,
                severity=hit.rule.severity,  # type: ignore[arg-type]
                message=hit.rule.message,
                span=span,
                sentence=sentence,
                source="rule",
                suggestions=_rule_suggestions(hit, span, sentence),
            )
        )
    return findings


def _better(hit: RuleHit, current: RuleHit) -> bool:
    rank, current_rank = _SEVERITY_RANK[hit.rule.severity], _SEVERITY_RANK[current.rule.severity]
    if rank != current_rank:
        return rank < current_rank
    return (hit.end - hit.start) > (current.end - current.start)


def _rule_suggestions(hit: RuleHit, span: Span, sentence: Span) -> tuple[Suggestion, ...]:
    replacement = hit.rule.replacement
    if not replacement:
        return ()
    target = span if hit.rule.replaces == "span" else sentence
    placeholders = tuple(dict.fromkeys(PLACEHOLDER.findall(replacement)))
    description = "Fill in " + ", ".join(placeholders) + " before sending." if placeholders else ""
    return (Suggestion(replacement=replacement, span=target, description=description, placeholders=placeholders),)
