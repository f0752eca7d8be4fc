"""Every rule's own examples as checks: the built-in rules' test suite and a team's rule packs
(``replylint rules test --config team.yaml``) run the same two functions.

- an ``incorrect`` example must be flagged by its rule at exactly the ``<marker>`` span, and its
  ``correction`` (when given) must be what one of the rule's suggestions produces;
- a ``correct`` example must produce no finding of the rule's label from any rule of the linter.

The classifier is not involved: the examples test the rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from .core import Linter
from .rules import IncorrectExample, Rule


def incorrect_example_problem(rule: Rule, example: IncorrectExample) -> str | None:
    """Why ``example`` fails its rule, or None when it is flagged at its marker (with its correction)."""
    report = Linter(rules=[rule], model=None).lint(example.text)
    spans = [(f.start, f.end, f.text) for f in report.findings if f.rule_id == rule.id]
    expected = (example.start, example.end, example.text[example.start : example.end])
    if expected not in spans:
        return f"{rule.source}: {rule.id}: expected a finding at {expected!r}, found {spans!r}"
    if example.correction is not None:
        finding = next(f for f in report.findings if f.rule_id == rule.id)
        fixes = [example.text[: s.span.start] + s.replacement + example.text[s.span.end :] for s in finding.suggestions]
        if example.correction not in fixes:
            return f"{rule.source}: {rule.id}: the correction {example.correction!r} is not among the suggestions {fixes!r}"
    return None


def correct_example_problem(rule: Rule, example: str, linter: Linter) -> str | None:
    """Why ``example`` is wrongly flagged with the rule's label by ``linter``, or None when it stays quiet."""
    report = linter.lint(example)
    same_label = [(f.rule_id, f.text) for f in report.findings if f.label == rule.label]
    if same_label:
        return f"{rule.source}: {rule.id}: correct example {example!r} flagged: {same_label!r}"
    return None


def example_problems(rules: Iterable[Rule], linter: Linter) -> list[str]:
    """Every failing example of ``rules``; ``linter`` (rules alone) checks that correct ones stay quiet."""
    problems = []
    for rule in rules:
        problems += [p for p in (incorrect_example_problem(rule, example) for example in rule.incorrect) if p]
        problems += [p for p in (correct_example_problem(rule, example, linter) for example in rule.correct) if p]
    return problems
