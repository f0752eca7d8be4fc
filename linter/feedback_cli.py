"""``replylint rules ...`` and ``replylint feedback ...``: a team's rule packs and its feedback store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .team import TeamConfig, load_team_config

EXIT_CLEAN, EXIT_PROBLEMS = 0, 1


def run(args: argparse.Namespace) -> int:
    if args.command == "rules":
        return _rules_test(args) if args.rules_command == "test" else _rules_list(args)
    return {"stats": _stats, "export": _export, "purge": _purge}[args.feedback_command](args)


def _team(args: argparse.Namespace) -> TeamConfig:
    return load_team_config(args.config) if getattr(args, "config", None) else TeamConfig()


def _rules_list(args: argparse.Namespace) -> int:
    from .core import Linter

    linter = Linter(model=None).with_team(_team(args) if args.config else None)
    for rule in linter.rules:
        print(f"{rule.id}\t{rule.label}\t{rule.severity}")
    return EXIT_CLEAN


def _rules_test(args: argparse.Namespace) -> int:
    from .core import Linter
    from .rule_examples import example_problems

    team = _team(args)
    problems = example_problems(team.pack_rules, Linter(model=None).with_team(team))
    incorrect = sum(len(rule.incorrect) for rule in team.pack_rules)
    correct = sum(len(rule.correct) for rule in team.pack_rules)
    for problem in problems:
        print(f"FAIL {problem}")
    print(
        f"{len(team.pack_rules)} pack rule(s) of team '{team.name}': {incorrect} incorrect and {correct} correct examples, "
        f"{len(problems)} failing"
    )
    return EXIT_PROBLEMS if problems else EXIT_CLEAN


def _store(args: argparse.Namespace):
    from .feedback import FeedbackStore

    return FeedbackStore(args.database)


def _team_name(args: argparse.Namespace, team: TeamConfig) -> str:
    return args.team or team.name


def _stats(args: argparse.Namespace) -> int:
    team = _team(args)
    with _store(args) as store:
        stats = store.stats(
            _team_name(args, team), dismissal_threshold=team.feedback.dismissal_threshold, min_verdicts=team.feedback.min_verdicts
        )
    if args.json:
        print(json.dumps({**stats.to_dict(), "store_text": team.feedback.store_text}, indent=2))
        return EXIT_PROBLEMS if stats.rules_over_threshold else EXIT_CLEAN
    print(
        f"team {stats.team}: {stats.records} verdict(s), {stats.records_with_text} with sentence text "
        f"(store_text {'on' if team.feedback.store_text else 'off'}); a rule is reported when dismissed "
        f"{stats.dismissal_threshold:.0%} or more of at least {stats.min_verdicts} times"
    )
    print(f"\n{'rule':<52} {'dismissed':>9} {'accepted':>8} {'rewritten':>9} {'rate':>6}")
    for rule_id, _, counts in stats.rules:
        mark = "  <- over threshold" if rule_id in stats.rules_over_threshold else ""
        print(
            f"{rule_id:<52} {counts.dismissed:>9} {counts.accepted:>8} {counts.rewritten:>9} {counts.dismissal_rate:>6.0%}{mark}"
        )
    print(f"\n{'label':<52} {'dismissed':>9} {'accepted':>8} {'rewritten':>9} {'rate':>6}")
    for label, counts in stats.labels:
        print(f"{label:<52} {counts.dismissed:>9} {counts.accepted:>8} {counts.rewritten:>9} {counts.dismissal_rate:>6.0%}")
    return EXIT_PROBLEMS if stats.rules_over_threshold else EXIT_CLEAN


def _export(args: argparse.Namespace) -> int:
    from .feedback import write_training_jsonl

    team = _team(args)
    with _store(args) as store:
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            with open(args.out, "w", encoding="utf-8") as out:
                counts = write_training_jsonl(store, _team_name(args, team), out, args.weight)
        else:
            counts = write_training_jsonl(store, _team_name(args, team), sys.stdout, args.weight)
    print(
        f"replylint: exported {counts['sentences']} sentence(s) of team {_team_name(args, team)} "
        f"({counts['flagged']} flagged, {counts['clean']} clean) to {args.out or 'standard output'}",
        file=sys.stderr,
    )
    return EXIT_CLEAN


def _purge(args: argparse.Namespace) -> int:
    team = _team(args)
    days = args.days if args.days is not None else team.feedback.retention_days
    with _store(args) as store:
        deleted = store.purge(_team_name(args, team), older_than_days=days)
    print(f"replylint: deleted {deleted} record(s) of team {_team_name(args, team)} older than {days} days", file=sys.stderr)
    return EXIT_CLEAN
