"""The pipeline: text -> spaCy Doc -> rule hits (+ model scores) -> findings -> report."""

from __future__ import annotations

import copy
import gc
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _spacy_without_torch  # noqa: F401  (before spaCy, so thinc leaves torch alone)

# isort: split
from spacy.tokens import Doc

from .context import Context
from .errors import Errors, ReplylintError
from .findings import findings_from_hits, merge_model_scores
from .model import ToneModel, default_model_dir
from .nlp import english, vocab_zones
from .offsets import OffsetMap, utf16_length
from .report import Finding, Report
from .rules import PLACEHOLDER, Rule, RuleMatcher, load_rules
from .segments import scoring_pairs, sentence_ranges
from .slots import Slot, extract_slots
from .suggest import add_suggestions
from .team import TeamConfig
from .ticket import ContextChecker, DraftView
from .voice import mask, quoted_ranges

log = logging.getLogger("replylint")

MAX_CHARS = 50_000
# How sure a rule hit is, by severity: feeds the draft score.
RULE_CONFIDENCE = {"error": 0.9, "warning": 0.7, "info": 0.4}


class Linter:
    """Lints drafts with the tone rules and the classifier. Build once; ``lint`` is thread-safe.

    ``model``: a ``ToneModel``, a model folder, ``"auto"`` (the shipped model if present) or
    ``None`` for rules alone. ``rules=()`` runs the model alone (for evaluation).
    ``context_checks``: which checks against the ticket run when a context is given (``None`` for
    the default ones, ``"all"``, or check ids; see ``linter.ticket``). ``team``: a ``TeamConfig``
    whose rule packs, rules turned off, severities and allowlist apply.
    """

    def __init__(
        self,
        rules: Iterable[Rule] | None = None,
        *,
        rule_paths: Iterable[Path] | None = None,
        model: ToneModel | Path | str | None = None,
        max_chars: int = MAX_CHARS,
        context_checks: Iterable[str] | str | None = None,
        team: TeamConfig | None = None,
    ) -> None:
        self.nlp = english()
        self.vocab_zones = vocab_zones()
        self.rules: tuple[Rule, ...] = tuple(rules) if rules is not None else load_rules(rule_paths)
        # Team configuration (issue 9): its packs join the rules here, its filter runs in _report.
        self.base_rules = self.rules
        self.team = team
        if team is not None:
            self.rules = team.select_rules(self.rules)
        self.rule_matcher = RuleMatcher(self.nlp.vocab, self.rules) if self.rules else None
        self.max_chars = max_chars
        self.model = _load_model(model)
        self.model_name: str | None = self.model.name if self.model else None
        self.context_checker = ContextChecker(
            context_checks, [p for rule in self.rules for p in PLACEHOLDER.findall(rule.replacement or "")]
        )

    def with_team(self, team: TeamConfig | None) -> Linter:
        """This linter for one team: shares the spaCy pipeline and the model, builds only the team's rule matcher."""
        linter = copy.copy(self)
        linter.team = team
        linter.rules = team.select_rules(self.base_rules) if team is not None else self.base_rules
        if linter.rules != self.rules:
            linter.rule_matcher = RuleMatcher(self.nlp.vocab, linter.rules) if linter.rules else None
        return linter

    def lint(self, text: str, context: Context | dict[str, Any] | None = None) -> Report:
        check_text(text, self.max_chars)
        ticket = Context.from_value(context)
        if not text.strip():
            return self._empty_report(text)
        masked = mask(text, quoted_ranges(text))
        with self.vocab_zones():  # the Doc lives only in here; a _Draft holds no spaCy objects
            draft = self._analyse(text, masked, self.nlp(masked), ticket)
        return self._report(draft, self._score(draft.pairs))

    def lint_batch(
        self, texts: Sequence[object], context: Context | dict[str, Any] | None = None
    ) -> list[Report | ReplylintError]:
        """Lint many drafts at once: spaCy and the model each run in batches across drafts.

        Returns one entry per input, in order: a ``Report``, or the ``ReplylintError`` for bad input.
        """
        ticket = Context.from_value(context)
        results: list[Report | ReplylintError | None] = [None] * len(texts)
        pending: list[tuple[int, str]] = []
        for index, text in enumerate(texts):
            try:
                check_text(text, self.max_chars)
            except ReplylintError as err:
                results[index] = err
                continue
            if text.strip():  # type: ignore[union-attr]
                pending.append((index, text))  # type: ignore[arg-type]
            else:
                results[index] = self._empty_report(text)  # type: ignore[arg-type]
        masked = [mask(text, quoted_ranges(text)) for _, text in pending]
        with self.vocab_zones():
            docs = self.nlp.pipe(masked, batch_size=64)
            drafts = [
                self._analyse(text, masked_text, doc, ticket)
                for (_, text), masked_text, doc in zip(pending, masked, docs, strict=True)
            ]
        all_pairs = [pair for draft in drafts for pair in draft.pairs]
        probabilities = np.concatenate(
            [self._score(all_pairs[i : i + 256]) for i in range(0, len(all_pairs), 256)] or [np.zeros((0, 0))]
        )
        cursor = 0
        for (index, _), draft in zip(pending, drafts, strict=True):
            results[index] = self._report(draft, probabilities[cursor : cursor + len(draft.pairs)])
            cursor += len(draft.pairs)
        return results  # type: ignore[return-value]

    def _empty_report(self, text: str) -> Report:
        return Report(
            verdict="pass", score=0.0, text_length=len(text), text_length_utf16=utf16_length(text), model=self.model_name
        )

    def _analyse(self, text: str, masked: str, doc: Doc, context: Context | None = None) -> _Draft:
        """``doc`` is ``masked`` (the draft with quotes blanked) through spaCy; ``masked`` is passed
        along because ``doc.text`` rebuilds it token by token, which is slow."""
        offsets = OffsetMap(text)
        findings = findings_from_hits(text, offsets, self.rule_matcher(doc, masked)) if self.rule_matcher else []
        ranges = sentence_ranges(doc, masked) if self.model is not None or context is not None else []
        pairs = scoring_pairs(masked, ranges) if self.model is not None else []
        ticket = DraftView(text, masked, offsets, ranges) if context is not None else None
        return _Draft(
            text, offsets, findings, ranges, [index for index, _ in pairs], [pair for _, pair in pairs], ticket, context
        )

    def _score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        if self.model is None or not pairs:
            return np.zeros((len(pairs), 0), dtype=np.float32)
        return self.model.score(pairs)

    def _report(self, draft: _Draft, probabilities: np.ndarray) -> Report:
        findings = draft.rule_findings
        if self.model is not None:
            scored = [(draft.ranges[index], probabilities[row]) for row, index in enumerate(draft.scored_indices)]
            findings = merge_model_scores(draft.text, draft.offsets, findings, scored, self.model.thresholds)
        if findings:
            findings = add_suggestions(draft.text, draft.offsets, findings, self.slots(draft.text))
        if draft.view is not None and draft.context is not None:
            # Checks against the ticket: their findings carry their own suggestions.
            findings = sorted(
                [*findings, *self.context_checker(draft.view, draft.context)], key=lambda f: (f.start, f.end, f.label)
            )
        if self.team is not None:  # one filter for every finding: labels and rules off, severities, allowlist
            findings = self.team.apply(findings)
        return build_report(draft.text, findings, self.model_name)

    def slots(self, text: str) -> list[Slot]:
        """The facts suggestions reuse; a team's partner and company names refine them."""
        found = extract_slots(text)
        return self.team.adjust_slots(text, found) if self.team is not None else found


@dataclass
class _Draft:
    """One draft between analysis and scoring."""

    text: str
    offsets: OffsetMap
    rule_findings: list[Finding]
    ranges: list[tuple[int, int]]
    scored_indices: list[int]
    pairs: list[tuple[str, str]]
    view: DraftView | None = None  # set when a context is given
    context: Context | None = None


def _load_model(model: ToneModel | Path | str | None) -> ToneModel | None:
    if model is None or isinstance(model, ToneModel):
        return model
    if model == "auto":
        path = default_model_dir()
        if not path.is_dir():
            log.warning("No model at %s: linting with rules alone. Run 'make model' or set REPLYLINT_MODEL_DIR.", path)
            return None
        return ToneModel(path)
    return ToneModel(Path(model))


def check_text(text: object, max_chars: int) -> None:
    if not isinstance(text, str):
        raise ReplylintError(Errors.E002, type_name=type(text).__name__)
    if len(text) > max_chars:
        raise ReplylintError(Errors.E001, length=len(text), limit=max_chars)


def finding_confidence(finding: Finding) -> float:
    rule = RULE_CONFIDENCE[finding.severity] if finding.source != "model" else 0.0
    return max(rule, finding.model_probability or 0.0)


def build_report(text: str, findings: list[Finding], model_name: str | None) -> Report:
    score = 1.0 - math.prod(1.0 - finding_confidence(f) for f in findings)
    if any(f.severity == "error" for f in findings):
        verdict = "fail"
    elif findings:
        verdict = "warn"
    else:
        verdict = "pass"
    return Report(
        verdict=verdict,
        score=score,
        findings=tuple(findings),
        text_length=len(text),
        text_length_utf16=utf16_length(text),
        model=model_name,
    )


def freeze_long_lived_objects() -> None:
    """For a process that has built its linter and now lints for a long time (a server or batch
    worker): take what exists so far (rules, matchers, vocab: about 160,000 objects) out of the
    garbage collector's reach. A full collection walked them all in 73 ms, a pause that every
    draft in flight waited out."""
    gc.collect()
    gc.freeze()
