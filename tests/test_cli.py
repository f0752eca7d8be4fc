"""The replylint command line: check (text, stdin, file, JSONL), eval, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.cli import main


def test_cli_check_text_with_findings_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--color", "never", "You will not receive a reply."]) == 1
    out = capsys.readouterr().out
    assert "closes_the_door" in out and "[[will not receive a reply]]" in out and "try:" in out


def test_cli_check_clean_text_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "I've refunded the order and it will reach your card by Friday."]) == 0
    assert "No problems found" in capsys.readouterr().out


def test_cli_check_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", "This mailbox is not monitored. 😀"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["schema_version"] == "1.0" and report["labels"] == ["closes_the_door"]


def test_cli_check_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Do not reply to this email.")))
    assert main(["check", "--json", "-"]) == 1
    assert json.loads(capsys.readouterr().out)["labels"] == ["closes_the_door"]


def test_cli_check_file_and_bad_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "draft.txt"
    good.write_text("Hi Ana,\n\nThis mailbox is not monitored.\n", encoding="utf-8")
    assert main(["check", "--file", str(good)]) == 1
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Hello \xff\xfe world")
    assert main(["check", "--file", str(bad)]) == 2
    assert "[E003]" in capsys.readouterr().err
    assert main(["check", "--file", str(tmp_path / "missing.txt")]) == 2
    assert "[E004]" in capsys.readouterr().err


def test_cli_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert "[E006]" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_cli_check_jsonl_keeps_order_and_reports_bad_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        json.dumps({"id": "a", "text": "You will not receive a reply."}),
        "{not json",
        json.dumps({"id": "c", "text": "All fixed, thanks for flagging it!"}),
        json.dumps({"id": "d", "body": "no text field"}),
        json.dumps({"id": "e", "text": "x" * 60_000}),
        json.dumps({"id": 6, "text": "This mailbox is not monitored."}),
    ]
    path = tmp_path / "drafts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["check", "--jsonl", str(path)]) == 2
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in rows] == ["a", 2, "c", "d", "e", 6]
    assert rows[0]["labels"] == ["closes_the_door"] and rows[0]["findings"]
    assert rows[1]["error"]["code"] == "E005"
    assert rows[2]["labels"] == [] and "error" not in rows[2]
    assert rows[3]["error"]["code"] == "E005"
    assert rows[4]["error"]["code"] == "E001"
    assert rows[5]["labels"] == ["closes_the_door"]


def test_cli_eval_prints_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "labelled.jsonl"
    records = [
        {"id": "p1", "text": "You will not receive a reply.", "labels": ["closes_the_door"]},
        {"id": "p2", "text": "That's handled elsewhere.", "labels": ["deflects_ownership"]},
        {"id": "c1", "text": "I've refunded you today.", "labels": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    assert main(["eval", "--json", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)[0]
    assert result["problem_drafts"] == 2 and result["clean_drafts"] == 1
    assert result["clean_flag_rate"] == 0.0
    closes = next(s for s in result["labels"] if s["label"] == "closes_the_door")
    assert closes["precision"] == 1.0 and closes["recall"] == 1.0


def test_cli_eval_rejects_unlabelled_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "unlabelled.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "hi"}), encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    assert "[E301]" in capsys.readouterr().err


def test_cli_entry_point_runs_as_a_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linter.cli", "check", "--json", "Please do not reply to this email."],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["labels"] == ["closes_the_door"]
