"""Precision and recall of each check against the ticket on labelled ticket + draft pairs.

A pair is one JSONL line: ``{"id", "context", "draft", "expected": [check ids], "flagged"?: {check: text}}``.
Scoring is per pair and check: a check that fires on a pair that expects it is a true positive.
Every check runs, enabled by default or not, so a check that is off can earn its way on.

    python -m linter.context_eval tests/data/ticket_pairs.jsonl tests/data/ticket_pairs_holdout.jsonl
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .context import Context
from .core import Linter
from .errors import Errors, ReplylintError
from .evaluation import checked_labels, jsonl_records
from .report import Report
from .taxonomy import CONTEXT_LABEL_IDS
from .ticket import DEFAULT_CONTEXT_CHECKS, MIN_PRECISION


@dataclass(frozen=True)
class TicketPair:
    id: str
    context: dict[str, Any]
    draft: str
    expected: frozenset[str]
    flagged: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckScore:
    check: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    false_alarms: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else None


def read_pairs(path: Path) -> list[TicketPair]:
    pairs = []
    for number, raw in jsonl_records(path):
        if not isinstance(raw, dict) or not isinstance(raw.get("draft"), str):
            raise ReplylintError(Errors.E005, line=number, path=path, reason="expected an object with a string 'draft'")
        Context.from_value(raw.get("context"))
        expected = checked_labels(raw.get("expected"), CONTEXT_LABEL_IDS, number, path, "expected")
        pairs.append(
            TicketPair(str(raw.get("id", number)), raw.get("context") or {}, raw["draft"], expected, raw.get("flagged") or {})
        )
    return pairs


def context_labels(report: Report) -> set[str]:
    return {finding.label for finding in report.findings if finding.label in CONTEXT_LABEL_IDS}


def score(pairs: Iterable[TicketPair], linter: Linter | None = None) -> list[CheckScore]:
    """Per-check counts over ``pairs``, with every check enabled (rules alone: the checks use no model)."""
    linter = linter or Linter(model=None, context_checks="all")
    scores = {check: CheckScore(check) for check in CONTEXT_LABEL_IDS}
    for pair in pairs:
        found = context_labels(linter.lint(pair.draft, pair.context))
        for check, result in scores.items():
            if check in found and check in pair.expected:
                result.true_positives += 1
            elif check in found:
                result.false_positives += 1
                result.false_alarms.append(pair.id)
            elif check in pair.expected:
                result.false_negatives += 1
                result.missed.append(pair.id)
    return list(scores.values())


def format_scores(scores: Sequence[CheckScore], pairs: int, clean: int) -> str:
    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    lines = [
        f"{pairs} pairs, {clean} clean. Checks on by default need precision >= {MIN_PRECISION}.",
        "",
        f"{'check':<22} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}  default",
    ]
    for result in scores:
        default = "on" if result.check in DEFAULT_CONTEXT_CHECKS else "off"
        lines.append(
            f"{result.check:<22} {number(result.precision):>9} {number(result.recall):>7} {result.true_positives:>4} "
            f"{result.false_positives:>4} {result.false_negatives:>4}  {default}"
        )
    for result in scores:
        if result.false_alarms or result.missed:
            lines.append(
                f"{result.check}: false alarms {', '.join(result.false_alarms) or '-'}; missed {', '.join(result.missed) or '-'}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or [Path("tests/data/ticket_pairs.jsonl")]
    pairs = [pair for path in paths for pair in read_pairs(path)]
    print(format_scores(score(pairs), len(pairs), sum(1 for pair in pairs if not pair.expected)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
