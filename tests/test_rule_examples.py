"""Every example of every rule is a test (LanguageTool-style), built-in rules and team rule packs alike.

- an ``incorrect`` example must be matched by its rule exactly at the ``<marker>`` span;
- a ``correction``, where given, must be what the rule's replacement produces;
- a ``correct`` example must produce no finding of the rule's label from any rule.

Team packs: the packs of every team config in ``tests/data/teams/`` and in ``REPLYLINT_TEAM_CONFIGS``
(paths separated by ``os.pathsep``) run here too, their correct examples against the team's linter.
The checks themselves live in ``linter.rule_examples`` (``replylint rules test --config`` runs them).
The classifier is not involved: these examples test the rules (the model has its own tests).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import linter
from linter import Linter
from linter.rule_examples import correct_example_problem, incorrect_example_problem
from linter.rules import Rule, load_rules
from linter.team import load_team_config

RULES = load_rules()
ALL_RULES = Linter(rules=RULES, model=None)
TEAM_DIR = Path(__file__).resolve().parent / "data" / "teams"
TEAM_CONFIGS = sorted(TEAM_DIR.glob("*.yaml")) + [
    Path(p) for p in os.environ.get("REPLYLINT_TEAM_CONFIGS", "").split(os.pathsep) if p
]
TEAMS = [load_team_config(path) for path in TEAM_CONFIGS]
TEAM_LINTERS = {team.name: ALL_RULES.with_team(team) for team in TEAMS}
# (rule, the linter its correct examples must stay quiet in)
CHECKED = [(rule, ALL_RULES, "") for rule in RULES] + [
    (rule, TEAM_LINTERS[team.name], f"{team.name}:") for team in TEAMS for rule in team.pack_rules
]


def _incorrect_cases():
    for rule, _, prefix in CHECKED:
        for index, example in enumerate(rule.incorrect):
            yield pytest.param(rule, example, id=f"{prefix}{rule.id}-incorrect-{index}")


def _correct_cases():
    for rule, team_linter, prefix in CHECKED:
        for index, example in enumerate(rule.correct):
            yield pytest.param(rule, example, team_linter, id=f"{prefix}{rule.id}-correct-{index}")


@pytest.mark.parametrize(("rule", "example"), list(_incorrect_cases()))
def test_rule_examples_incorrect_match_at_marker(rule: Rule, example) -> None:
    problem = incorrect_example_problem(rule, example)
    assert problem is None, problem


@pytest.mark.parametrize(("rule", "example", "team_linter"), list(_correct_cases()))
def test_rule_examples_correct_stay_quiet(rule: Rule, example: str, team_linter: Linter) -> None:
    problem = correct_example_problem(rule, example, team_linter)
    assert problem is None, problem


def test_rule_examples_team_packs_are_collected() -> None:
    assert TEAMS and all(team.pack_rules for team in TEAMS if team.source.startswith(str(TEAM_DIR)))


def test_rule_examples_every_label_has_enough_rules() -> None:
    per_label: dict[str, int] = {}
    for rule in RULES:
        per_label[rule.label] = per_label.get(rule.label, 0) + 1
    assert set(per_label) == set(linter.LABEL_IDS)
    assert min(per_label.values()) >= 8, per_label
