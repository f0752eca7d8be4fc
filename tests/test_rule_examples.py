"""Every example of every rule is a test (LanguageTool-style).

- an ``incorrect`` example must be matched by its rule exactly at the ``<marker>`` span;
- a ``correction``, where given, must be what the rule's replacement produces;
- a ``correct`` example must produce no finding of the rule's label from any rule.

The classifier is not involved: these examples test the rules (the model has its own tests).
"""

from __future__ import annotations

import pytest

import linter
from linter import Linter
from linter.rules import Rule, load_rules

RULES = load_rules()
ALL_RULES = Linter(rules=RULES, model=None)


def _incorrect_cases():
    for rule in RULES:
        for index, example in enumerate(rule.incorrect):
            yield pytest.param(rule, example, id=f"{rule.id}-incorrect-{index}")


def _correct_cases():
    for rule in RULES:
        for index, example in enumerate(rule.correct):
            yield pytest.param(rule, example, id=f"{rule.id}-correct-{index}")


@pytest.mark.parametrize(("rule", "example"), _incorrect_cases())
def test_rule_examples_incorrect_match_at_marker(rule: Rule, example) -> None:
    report = Linter(rules=[rule]).lint(example.text)
    spans = [(f.start, f.end, f.text) for f in report.findings if f.rule_id == rule.id]
    expected = (example.start, example.end, example.text[example.start : example.end])
    assert expected in spans, f"{rule.source}: expected {expected!r}, found {spans!r}"
    if example.correction is not None:
        finding = next(f for f in report.findings if f.rule_id == rule.id)
        # The rule's own replacement follows the label's template suggestion.
        fixes = [example.text[: s.span.start] + s.replacement + example.text[s.span.end :] for s in finding.suggestions]
        assert example.correction in fixes, fixes


@pytest.mark.parametrize(("rule", "example"), _correct_cases())
def test_rule_examples_correct_stay_quiet(rule: Rule, example: str) -> None:
    report = ALL_RULES.lint(example)
    same_label = [(f.rule_id, f.text) for f in report.findings if f.label == rule.label]
    assert same_label == [], f"{rule.source}: correct example flagged: {same_label!r}"


def test_rule_examples_every_label_has_enough_rules() -> None:
    per_label: dict[str, int] = {}
    for rule in RULES:
        per_label[rule.label] = per_label.get(rule.label, 0) + 1
    assert set(per_label) == set(linter.LABEL_IDS)
    assert min(per_label.values()) >= 8, per_label
