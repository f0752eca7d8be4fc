"""The rule loader: ``next_sentence_antipatterns`` are validated like ``antipatterns`` and fail at
load with the file, line, rule id and what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter import ReplylintError
from linter.rules import load_rule_file

# A valid rule with three examples of each kind; {extra} adds keys to it.
RULE_FILE = """label: process_over_customer
rules:
  - id: process_over_customer.test_rule
    message: Quoting the system instead of helping.
    patterns:
      - [{{LOWER: system}}, {{LOWER: says}}, {{LOWER: "no"}}]
{extra}    incorrect:
      - "The <marker>system says no</marker>."
      - "Sorry, the <marker>system says no</marker> to that."
      - "The <marker>system says no</marker>. Thanks for understanding."
    correct:
      - "The system says yes."
      - "I've changed it by hand."
      - "The system says no. What I can do is change it by hand today."
"""


def _write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "process_over_customer.yaml"
    path.write_text(RULE_FILE.format(extra=extra), encoding="utf-8")
    return path


def test_rules_loader_reads_next_sentence_antipatterns(tmp_path: Path) -> None:
    extra = "    next_sentence_antipatterns:\n      - [{LOWER: what}, {LOWER: i}, {LOWER: can}, {LOWER: do}]\n"
    (rule,) = load_rule_file(_write(tmp_path, extra))
    assert rule.next_sentence_antipatterns == (({"LOWER": "what"}, {"LOWER": "i"}, {"LOWER": "can"}, {"LOWER": "do"}),)
    assert rule.antipatterns == ()
    (plain,) = load_rule_file(_write(tmp_path, ""))
    assert plain.next_sentence_antipatterns == ()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        # not a list of patterns
        ("    next_sentence_antipatterns: {LOWER: what}\n", ["'next_sentence_antipatterns' must be a list of token patterns"]),
        # an entry that is not a list of token objects
        (
            "    next_sentence_antipatterns:\n      - what I can do\n",
            ["next_sentence_antipatterns[0]", "non-empty list of token objects"],
        ),
        ("    next_sentence_antipatterns:\n      - []\n", ["next_sentence_antipatterns[0]", "non-empty list of token objects"]),
        # LOWER values are matched lower-cased
        (
            "    next_sentence_antipatterns:\n      - [{LOWER: What}, {LOWER: i}]\n",
            ["next_sentence_antipatterns[0]", "'What'", "lower-case"],
        ),
        # spaCy's own validation: an unknown operator
        (
            "    next_sentence_antipatterns:\n      - [{LOWER: what}]\n      - [{LOWER: i, OP: '++'}]\n",
            ["next_sentence_antipatterns[1]", "OP"],
        ),
    ],
)
def test_rules_loader_invalid_next_sentence_antipatterns_fail_with_key_and_fix(
    tmp_path: Path, extra: str, words: list[str]
) -> None:
    path = _write(tmp_path, extra)
    with pytest.raises(ReplylintError) as caught:
        load_rule_file(path)
    assert caught.value.code == "E104"
    message = caught.value.message
    assert f"{path}:3" in message and "process_over_customer.test_rule" in message
    for word in words:
        assert word in message, message


def test_rules_loader_misspelt_key_lists_next_sentence_antipatterns(tmp_path: Path) -> None:
    with pytest.raises(ReplylintError) as caught:
        load_rule_file(_write(tmp_path, "    next_sentence_antipattern:\n      - [{LOWER: what}]\n"))
    assert caught.value.code == "E102"
    assert "'next_sentence_antipattern'" in caught.value.message and "next_sentence_antipatterns" in caught.value.message


def _copy_rule_file(folder: Path) -> Path:
    from linter.rules import BUILTIN_RULES_DIR

    path = folder / "closes_the_door.yaml"
    path.write_bytes((BUILTIN_RULES_DIR / "closes_the_door.yaml").read_bytes())
    return path


def test_rules_loader_caches_parsed_files_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    cache = tmp_path / "cache"
    monkeypatch.setenv("REPLYLINT_CACHE_DIR", str(cache))
    path = _copy_rule_file(tmp_path)
    first = load_rule_file(path)
    assert len(list(cache.glob("*.json"))) == 1

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached parse should have been used")

    with monkeypatch.context() as patched:
        patched.setattr(yaml, "load", no_parsing)
        assert load_rule_file(path) == first  # the same rules, lines and examples included

    # An edited file is parsed again (a new key), never served from the old entry.
    path.write_text(path.read_text(encoding="utf-8").replace("closes_the_door.no_reply", "closes_the_door.no_reply_edited"))
    assert "closes_the_door.no_reply_edited" in {rule.id for rule in load_rule_file(path)}
    assert len(list(cache.glob("*.json"))) == 2


def test_rules_loader_ignores_a_broken_cache_and_can_go_without(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("REPLYLINT_CACHE_DIR", str(cache))
    path = _copy_rule_file(tmp_path)
    expected = load_rule_file(path)
    (entry,) = cache.glob("*.json")
    entry.write_text('{"rules": [trunc')
    assert load_rule_file(path) == expected

    monkeypatch.setenv("REPLYLINT_CACHE_DIR", "")  # empty: no cache at all
    other = tmp_path / "other"
    other.mkdir()
    assert [(r.id, r.patterns, r.correct) for r in load_rule_file(_copy_rule_file(other))] == [
        (r.id, r.patterns, r.correct) for r in expected
    ]
    assert len(list(cache.glob("*.json"))) == 1
