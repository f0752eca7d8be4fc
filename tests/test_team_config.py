"""Team configs: validation errors, rule packs, rules and labels off, severities, the allowlist,
partner names in suggestions, and ``replylint check --config``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter import Linter, ReplylintError
from linter.cli import main
from linter.team import TeamConfig, load_team_config, team_config_from_mapping

TEAMS = Path(__file__).resolve().parent / "data" / "teams"
ACME = TEAMS / "acme.yaml"
RULES_ONLY = Linter(model=None)


@pytest.fixture(scope="module")
def acme() -> TeamConfig:
    return load_team_config(ACME)


@pytest.fixture(scope="module")
def acme_linter(acme: TeamConfig) -> Linter:
    return RULES_ONLY.with_team(acme)


@pytest.mark.parametrize(
    ("config", "code", "words"),
    [
        ("colour: red\n", "E515", ["'colour'", "rule_packs", "allow"]),
        ("allow: {sentence: [x]}\n", "E515", ["'allow.sentence'", "allow.sentences"]),
        ("feedback: {store_txt: true}\n", "E515", ["feedback.store_txt", "feedback.store_text"]),
        ("disable_labels: [rude]\n", "E513", ["'rude'", "closes_the_door"]),
        (
            "disable_rules: [closes_the_door.no_such_rule]\n",
            "E516",
            ["closes_the_door.no_such_rule", "closes_the_door.do_not_reply", "replylint rules list"],
        ),
        ("severity: {closes_the_door: fatal}\n", "E512", ["severity.closes_the_door", "'fatal'", "error, warning, info"]),
        ("severity: {made_up.rule: error}\n", "E516", ["made_up.rule"]),
        ("allow: {patterns: ['per our (policy']}\n", "E514", ["allow.patterns[0]", "per our (policy", "Escape"]),
        ("partners: Expedia, Hertz\nallow: {sentences: 7}\n", "E512", ["allow.sentences", "list of strings"]),
        ("feedback: {retention_days: 0}\n", "E512", ["feedback.retention_days", "1 to 3650"]),
        ("feedback: {dismissal_threshold: 1.5}\n", "E512", ["feedback.dismissal_threshold"]),
        ("feedback: {store_text: yes please}\n", "E512", ["feedback.store_text", "true or false"]),
        ("rule_packs: [missing.yaml]\n", "E512", ["rule_packs", "missing.yaml"]),
        ("name: 'acme corp!'\n", "E512", ["'name'", "letters, digits"]),
        ("allow: [\n", "E511", ["not valid YAML"]),
        ("- just\n- a list\n", "E512", ["expected a mapping"]),
    ],
)
def test_team_config_invalid_files_fail_with_key_and_fix(tmp_path: Path, config: str, code: str, words: list[str]) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(config, encoding="utf-8")
    with pytest.raises(ReplylintError) as caught:
        load_team_config(path)
    assert caught.value.code == code
    assert str(path) in caught.value.message
    for word in words:
        assert word in caught.value.message, caught.value.message


def test_team_config_bad_rule_pack_fails_with_the_rule_loaders_error(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "label: closes_the_door\nrules:\n  - id: closes_the_door.x\n    message: m\n    patterns: [[{LOWER: Nope}]]\n"
        "    incorrect: []\n    correct: []\n",
        encoding="utf-8",
    )
    (tmp_path / "team.yaml").write_text("rule_packs: [pack.yaml]\n", encoding="utf-8")
    with pytest.raises(ReplylintError) as caught:
        load_team_config(tmp_path / "team.yaml")
    assert caught.value.code == "E104" and "pack.yaml:3" in caught.value.message and "lower-case" in caught.value.message


def test_team_config_pack_rule_ids_must_not_clash_with_built_in_ones(tmp_path: Path) -> None:
    text = (TEAMS / "packs" / "acme-rules.yaml").read_text(encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(
        text.replace("process_over_customer.acme_per_our_policy", "process_over_customer.per_policy_cannot"), encoding="utf-8"
    )
    (tmp_path / "team.yaml").write_text("rule_packs: [pack.yaml]\n", encoding="utf-8")
    with pytest.raises(ReplylintError) as caught:
        RULES_ONLY.with_team(load_team_config(tmp_path / "team.yaml"))
    assert caught.value.code == "E107"


def test_team_config_example_file_loads(acme: TeamConfig) -> None:
    assert acme.name == "acme" and acme.company == "Acme Rentals"
    assert [rule.id for rule in acme.pack_rules] == ["process_over_customer.acme_per_our_policy"]
    assert acme.feedback.store_text is True and acme.feedback.retention_days == 30


def test_team_config_pack_rule_flags_what_built_in_rules_do_not(acme_linter: Linter) -> None:
    draft = "Under company policy all drivers need a licence held for a year."
    assert RULES_ONLY.lint(draft).findings == ()
    findings = acme_linter.lint(draft).findings
    assert [(f.rule_id, f.text) for f in findings] == [("process_over_customer.acme_per_our_policy", "Under company policy")]
    # The severity override for the label applies to the pack's rule too.
    assert findings[0].severity == "error" and acme_linter.lint(draft).verdict == "fail"


@pytest.mark.parametrize(
    "sentence",
    [
        "Acme Rentals is not affiliated with resellers and cannot change bookings made through them.",
        "ACME RENTALS is not affiliated with resellers and cannot change bookings made through them.",  # case
    ],
)
def test_team_config_allowlisted_sentence_is_never_flagged(acme_linter: Linter, sentence: str) -> None:
    draft = f"Hi Sam, thanks for writing. {sentence} You will not receive a reply."
    assert "deflects_ownership" in RULES_ONLY.lint(draft).labels
    report = acme_linter.lint(draft)
    assert "deflects_ownership" not in report.labels
    assert "closes_the_door" in report.labels  # the rest of the draft is still checked


def test_team_config_allowlist_pattern_and_near_miss(tmp_path: Path) -> None:
    team = team_config_from_mapping({"allow": {"patterns": [r"\bnot affiliated with (resellers|Expedia)\b"]}})
    linter = RULES_ONLY.with_team(team)
    assert linter.lint("Our firm is not affiliated with Expedia.").findings == ()
    # Only the matching sentence is exempt: another deflection still counts.
    assert "deflects_ownership" in linter.lint("Our firm is not affiliated with Hertz.").labels


def test_team_config_rules_and_labels_off() -> None:
    draft = "The technician will arrive between 8:00 AM and noon. You will not receive a reply."
    assert set(RULES_ONLY.lint(draft).labels) == {"vague_commitment", "closes_the_door"}
    rule_id = next(f.rule_id for f in RULES_ONLY.lint(draft).findings if f.label == "vague_commitment")
    rule_off = RULES_ONLY.with_team(team_config_from_mapping({"disable_rules": [rule_id]}))
    assert rule_id not in {f.rule_id for f in rule_off.lint(draft).findings}
    assert rule_id not in {r.id for r in rule_off.rules}
    label_off = RULES_ONLY.with_team(team_config_from_mapping({"disable_labels": ["closes_the_door"]}))
    assert label_off.lint(draft).labels == ("vague_commitment",)
    # The base linter is untouched by its team copies.
    assert set(RULES_ONLY.lint(draft).labels) == {"vague_commitment", "closes_the_door"}


def test_team_config_severity_override_by_rule_id_beats_label() -> None:
    draft = "You will not receive a reply."
    finding = RULES_ONLY.lint(draft).findings[0]
    team = team_config_from_mapping({"severity": {"closes_the_door": "warning", finding.rule_id: "info"}})
    report = RULES_ONLY.with_team(team).lint(draft)
    assert report.findings[0].severity == "info" and report.verdict == "warn"


def test_team_config_partner_names_fill_suggestions(acme_linter: Linter) -> None:
    draft = "Please contact booking.com for further investigation."
    plain = RULES_ONLY.lint(draft)
    assert plain.labels == ("deflects_ownership",)
    suggestion = acme_linter.lint(draft).findings[0].suggestions[0].replacement
    assert "booking.com" in suggestion, suggestion


def test_team_config_model_findings_follow_the_team(acme: TeamConfig) -> None:
    import linter

    model_linter = linter.default_linter()
    if model_linter.model is None:
        pytest.skip("no shipped model")
    draft = "Acme Rentals is not affiliated with resellers and cannot change bookings made through them."
    assert model_linter.lint(draft).findings, "the model or rules flag the legal sentence without the allowlist"
    assert model_linter.with_team(acme).lint(draft).findings == ()


def test_team_config_cli_check_uses_config(capsys: pytest.CaptureFixture[str]) -> None:
    draft = "Under company policy all drivers need a licence held for a year."
    assert main(["check", "--rules-only", "--json", draft]) == 0
    capsys.readouterr()
    assert main(["check", "--rules-only", "--json", "--config", str(ACME), draft]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [f["rule_id"] for f in report["findings"]] == ["process_over_customer.acme_per_our_policy"]


def test_team_config_cli_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "team.yaml").write_text("disable_labels: [rude]\n", encoding="utf-8")
    assert main(["check", "--rules-only", "--config", str(tmp_path / "team.yaml"), "Hello."]) == 2
    assert "E513" in capsys.readouterr().err


def test_team_config_cli_rules_test_runs_pack_examples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "test", "--config", str(ACME)]) == 0
    assert "3 incorrect and 3 correct examples" in capsys.readouterr().out
    broken = (TEAMS / "packs" / "acme-rules.yaml").read_text(encoding="utf-8")
    broken = broken.replace("Our policy team reviewed your claim", "Per our policy team reviewed your claim")
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "acme-rules.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "acme.yaml").write_text(ACME.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["rules", "test", "--config", str(tmp_path / "acme.yaml")]) == 1
    assert "Per our policy team reviewed" in capsys.readouterr().out
