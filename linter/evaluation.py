"""Draft-level evaluation against labelled JSONL: per-label precision/recall/F1, draft recall, clean FPR."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Errors, ReplylintError
from .taxonomy import LABEL_IDS


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # drafts that carry the label


@dataclass(frozen=True)
class EvalResult:
    name: str
    drafts: int
    problem_drafts: int
    clean_drafts: int
    draft_recall: float  # problem drafts with at least one finding
    clean_flag_rate: float  # clean drafts with at least one finding
    macro_f1: float
    labels: tuple[LabelScore, ...] = field(default=())
    missed: tuple[str, ...] = ()  # ids of problem drafts with no finding
    false_alarms: tuple[str, ...] = ()  # ids of clean drafts with a finding


@dataclass(frozen=True)
class LabelledDraft:
    id: str
    text: str
    labels: frozenset[str]


def jsonl_records(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) for every non-blank line; a line that is not JSON raises E005."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as err:
            raise ReplylintError(Errors.E005, line=number, path=path, reason=err.msg) from err


def checked_labels(value: object, allowed: tuple[str, ...], line: int, path: Path, field: str = "labels") -> frozenset[str]:
    """A record's label list (its ``field``), each label one of ``allowed``; E301/E302 otherwise."""
    if not isinstance(value, list):
        raise ReplylintError(Errors.E301, line=line, path=path, field=field)
    for label in value:
        if label not in allowed:
            raise ReplylintError(Errors.E302, label=label, line=line, path=path, labels=", ".join(allowed))
    return frozenset(value)


def read_labelled(path: Path) -> list[LabelledDraft]:
    drafts = []
    for number, record in jsonl_records(path):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ReplylintError(Errors.E005, line=number, path=path, reason="expected an object with a string 'text'")
        labels = checked_labels(record.get("labels"), LABEL_IDS, number, path)
        drafts.append(LabelledDraft(str(record.get("id", number)), record["text"], labels))
    return drafts


def evaluate(name: str, drafts: Iterable[LabelledDraft], predict: Callable[[str], Iterable[str]]) -> EvalResult:
    """Score ``predict`` (text -> predicted labels) on labelled drafts."""
    tp = dict.fromkeys(LABEL_IDS, 0)
    fp = dict.fromkeys(LABEL_IDS, 0)
    fn = dict.fromkeys(LABEL_IDS, 0)
    problem = clean = caught = flagged_clean = 0
    missed: list[str] = []
    false_alarms: list[str] = []
    for draft in drafts:
        predicted = set(predict(draft.text))
        for label in LABEL_IDS:
            if label in predicted and label in draft.labels:
                tp[label] += 1
            elif label in predicted:
                fp[label] += 1
            elif label in draft.labels:
                fn[label] += 1
        if draft.labels:
            problem += 1
            if predicted:
                caught += 1
            else:
                missed.append(draft.id)
        else:
            clean += 1
            if predicted:
                flagged_clean += 1
                false_alarms.append(draft.id)
    scores = []
    for label in LABEL_IDS:
        precision = _ratio(tp[label], tp[label] + fp[label])
        recall = _ratio(tp[label], tp[label] + fn[label])
        f1 = _ratio(2 * precision * recall, precision + recall)
        scores.append(LabelScore(label, precision, recall, f1, tp[label] + fn[label]))
    return EvalResult(
        name=name,
        drafts=problem + clean,
        problem_drafts=problem,
        clean_drafts=clean,
        draft_recall=_ratio(caught, problem),
        clean_flag_rate=_ratio(flagged_clean, clean),
        macro_f1=sum(s.f1 for s in scores) / len(scores),
        labels=tuple(scores),
        missed=tuple(missed),
        false_alarms=tuple(false_alarms),
    )


def side_by_side(drafts: list[LabelledDraft], model_dir=None, *, rules_only: bool = False) -> list[EvalResult]:
    """Rules alone, model alone and both combined, on the same drafts (model ones when a model exists)."""
    from .core import Linter

    rules = Linter(model=None)
    results = [evaluate("rules", drafts, lambda text: rules.lint(text).labels)]
    if rules_only:
        return results
    combined = Linter(model=model_dir or "auto")
    if combined.model is None:
        return results
    model_alone = Linter(rules=(), model=combined.model)
    results.append(evaluate("model", drafts, lambda text: model_alone.lint(text).labels))
    results.append(evaluate("combined", drafts, lambda text: combined.lint(text).labels))
    return results


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def format_results(results: list[EvalResult]) -> str:
    """A side-by-side table, one column group per evaluated configuration."""
    names = [r.name for r in results]
    head = f"{'label':<24}" + "".join(f"{n:^24}" for n in names)
    sub = f"{'':<24}" + "".join(f"{'P':>7} {'R':>7} {'F1':>7}  " for _ in names)
    lines = [head, sub]
    for index, label in enumerate(LABEL_IDS):
        row = f"{label:<24}"
        for result in results:
            score = result.labels[index]
            row += f"{score.precision:>7.3f} {score.recall:>7.3f} {score.f1:>7.3f}  "
        lines.append(row + f"(n={results[0].labels[index].support})")
    lines.append("")
    for title, attr in (
        ("macro F1", "macro_f1"),
        ("draft recall (problem drafts)", "draft_recall"),
        ("clean drafts flagged", "clean_flag_rate"),
    ):
        lines.append(f"{title:<32}" + "".join(f"{n}={getattr(r, attr):.3f}  " for n, r in zip(names, results, strict=True)))
    first = results[0]
    lines.append(f"drafts: {first.drafts} ({first.problem_drafts} with problems, {first.clean_drafts} clean)")
    return "\n".join(lines)
