"""Rewrites must not add grammar problems: harper.js (npm) checks every dev-set rewrite."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import linter
from linter.rules import PLACEHOLDER

GRAMMAR_DIR = Path(__file__).parent / "grammar"
DEV_SET = Path(__file__).parent / "data" / "dev_drafts.jsonl"


def harper_lints(texts: list[str]) -> list[list[dict]]:
    if shutil.which("node") is None or not (GRAMMAR_DIR / "node_modules" / "harper.js").is_dir():
        pytest.fail("harper.js is not installed: run `make test` (it runs `npm ci --prefix tests/grammar`)")
    result = subprocess.run(
        ["node", str(GRAMMAR_DIR / "harper_check.mjs")], input=json.dumps(texts), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _problems(text: str, lints: list[dict]) -> set[tuple[str, str]]:
    """Grammar problems as (kind, flagged text), leaving out the placeholders the agent will fill.

    A set, not a count: a rewrite that names the partner twice repeats an unknown word the
    original already had, which is no new problem.
    """
    units = text.encode("utf-16-le")
    placeholder_units = []
    for match in PLACEHOLDER.finditer(text):
        start = len(text[: match.start()].encode("utf-16-le")) // 2
        placeholder_units.append((start, start + len(match.group(0).encode("utf-16-le")) // 2))
    kept = set()
    for lint in lints:
        if any(lint["start"] < end + 1 and start - 1 < lint["end"] for start, end in placeholder_units):
            continue
        kept.add((lint["kind"], units[lint["start"] * 2 : lint["end"] * 2].decode("utf-16-le", "replace").lower()))
    return kept


def test_grammar_rewrites_add_no_grammar_problems() -> None:
    drafts = [d["text"] for d in map(json.loads, DEV_SET.read_text(encoding="utf-8").splitlines()) if d["labels"]]
    rewrites = [linter.rewrite(text).text for text in drafts]
    lints = harper_lints(drafts + rewrites)
    added = []
    for index, (original, rewritten) in enumerate(zip(drafts, rewrites, strict=True)):
        before = _problems(original, lints[index])
        after = _problems(rewritten, lints[len(drafts) + index])
        new = after - before
        if new:
            added.append((original[:60], dict(new)))
    assert not added, added


def test_grammar_checker_is_real() -> None:
    lints = harper_lints(["Their is a error in you're order.", "Your order has shipped."])
    assert len(lints[0]) >= 2 and lints[1] == []
