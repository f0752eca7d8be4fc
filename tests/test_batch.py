"""``replylint batch``: the export formats in tests/data/batch/, findings at the right places in the
stored text, placeholders left alone, the exact shape of ``--fix`` output, SARIF against its schema,
the HTML report, exit codes, parallel order and resuming an interrupted run."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from helpers import run_python

from linter import Linter, default_linter
from linter.batch import BatchOptions, LinterSpec, run_batch, score_replies, score_texts
from linter.batch.formats import Reply, open_format
from linter.batch.outputs import JsonlOutput
from linter.batch.view import html_view, placeholders_in, reader_view
from linter.cli import main

DATA = Path(__file__).resolve().parent / "data"
BATCH = DATA / "batch"
RULES = LinterSpec(rules_only=True)


@pytest.fixture(scope="module")
def rules_linter() -> Linter:
    return Linter(model=None)


def run(tmp_path: Path, name: str, **options) -> tuple[list[dict], object]:
    output = tmp_path / "out.jsonl"
    result = run_batch(BatchOptions(input=BATCH / name, output=output, linter=options.pop("linter", RULES), **options))
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return rows, result


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


def finding(row: dict, label: str) -> dict:
    return next(f for f in row["findings"] if f["label"] == label)


# --- reading what the customer reads ---------------------------------------------------------------


def test_batch_html_view_is_the_visible_text_with_offsets_into_the_source():
    source = "<p>Hi Ana,</p>\n<p>We&rsquo;re <b>not</b>  able &amp; sorry.<br>Bye</p><style>p{}</style>"
    view = html_view(source)
    assert view.text == "Hi Ana,\n\nWe’re not able & sorry.\nBye"
    start = view.text.index("not")
    assert source[slice(*view.source_range(start, start + 3))] == "not"
    start = view.text.index("We’re")
    end = view.text.index("sorry") + len("sorry")
    assert source[slice(*view.source_range(start, end))] == "We&rsquo;re <b>not</b>  able &amp; sorry"


def test_batch_placeholders_read_as_standins_and_are_restored():
    source = "Hi {{ticket.requester.first_name}}, order {{ticket.id}} {% if x %}is late{% endif %}. {%customer.firstName,fallback=there%}"
    view = reader_view(source, is_html=False)
    assert "{" not in view.text and "}" not in view.text
    assert [p.text for p in view.placeholders] == placeholders_in(source)
    name = next(p.standin for p in view.placeholders if p.text == "{{ticket.requester.first_name}}")
    assert view.text.startswith(f"Hi {name}, order #")
    assert view.restore(f"Thanks {name}.") == "Thanks {{ticket.requester.first_name}}."
    assert next(p.standin for p in view.placeholders if p.text == "{% if x %}") == ""  # a Liquid tag reads as nothing


def test_batch_placeholders_are_never_flagged_with_the_model():
    # Template paths read as words ("ticket requester first name") must never reach the classifier.
    text = "Hi {{ticket.requester.first_name}},\n\nI've refunded your order today.\n\nBest,\n{{current_user.first_name}}"
    linter = default_linter()
    [row] = score_texts(linter, [(text, False)])
    assert row["findings"] == [], row["findings"]


def test_batch_placeholder_view_keeps_real_findings_at_source_offsets():
    text = "Hi {{ticket.requester.first_name}},\n\nThis mailbox is not monitored."
    [row] = score_texts(default_linter(), [(text, False)])
    assert [f["label"] for f in row["findings"]] == ["closes_the_door"]
    [finding] = row["findings"]
    assert text[finding["start"] : finding["end"]] == finding["text"]
    assert finding["start"] > text.index("}}")


# --- formats: findings at the right places ---------------------------------------------------------


def test_batch_zendesk_macros_findings_point_into_the_stored_html(tmp_path):
    rows, result = run(tmp_path, "zendesk_macros.json", format="auto")
    macros = json.loads((BATCH / "zendesk_macros.json").read_text())["macros"]
    rows_by_id = by_id(rows)
    # The macro that only sets fields sends no reply: not a row. The broken one is an error row.
    assert list(rows_by_id) == ["360001234501", "360001234502", "360001234503", "360001234505", "360001234506"]
    assert rows_by_id["360001234505"]["error"]["code"] == "E503"
    html_source = macros[0]["actions"][1]["value"]
    deflects = finding(rows_by_id["360001234501"], "deflects_ownership")
    assert html_source[deflects["start"] : deflects["end"]] == deflects["text"] == "is not affiliated with"
    assert deflects["sentence"]["text"] == "Expedia is an independent third party that is not affiliated with us."
    suggestion = deflects["suggestions"][0]
    assert html_source[suggestion["start"] : suggestion["end"]] == suggestion["text"]
    # [channel, text] values are read from their text.
    plain = macros[1]["actions"][0]["value"][1]
    door = finding(rows_by_id["360001234502"], "closes_the_door")
    assert plain[door["start"] : door["end"]] == door["text"]
    assert rows_by_id["360001234503"]["findings"] == []  # entities, emoji and a clean reply
    assert result.summary.errors == 1 and result.summary.replies == 5


def test_batch_freshdesk_prefers_html_and_reports_a_bad_record(tmp_path):
    rows, _ = run(tmp_path, "freshdesk_canned_responses.json")
    rows_by_id = by_id(rows)
    records = json.loads((BATCH / "freshdesk_canned_responses.json").read_text())
    blame = finding(rows_by_id["43000123001"], "blames_customer")
    assert records[0]["content_html"][blame["start"] : blame["end"]] == blame["text"]
    assert "<div>" in blame["sentence"]["text"] or blame["sentence"]["text"].startswith("As clearly stated")
    assert {f["label"] for f in rows_by_id["43000123003"]["findings"]} >= {"process_over_customer"}
    assert rows_by_id["43000123002"]["findings"] == []
    assert rows_by_id["43000123004"]["error"]["code"] == "E503"
    assert "Record 4" in rows_by_id["43000123004"]["error"]["message"]


def test_batch_helpscout_saved_replies(tmp_path):
    rows, result = run(tmp_path, "helpscout_saved_replies.json")
    rows_by_id = by_id(rows)
    text = json.loads((BATCH / "helpscout_saved_replies.json").read_text())["_embedded"]["saved-replies"][0]["text"]
    dismiss = finding(rows_by_id["551001"], "dismisses_problem")
    assert text[dismiss["start"] : dismiss["end"]] == dismiss["text"]
    assert rows_by_id["551002"]["findings"] == []  # entities, {%customer.email%}, emoji
    assert "shifts_burden" in rows_by_id["551003"]["labels"]
    assert result.summary.errors == 0


def test_batch_jsonl_bad_lines_become_error_rows_and_the_run_goes_on(tmp_path):
    rows, result = run(tmp_path, "replies.jsonl")
    assert [row["id"] for row in rows] == ["r-001", "r-002", "r-003", "r-004", "r-005", "line 6", "r-007"]
    assert [row["index"] for row in rows] == list(range(7))
    assert {rows[3]["error"]["code"], rows[5]["error"]["code"]} == {"E503"}
    assert "closes_the_door" in rows[6]["labels"]
    # An HTML body inside JSONL is detected; the finding points into the HTML.
    source = json.loads((BATCH / "replies.jsonl").read_text().splitlines()[4])["text"]
    condescending = finding(rows[4], "condescending")
    assert source[condescending["start"] : condescending["end"]] == condescending["text"]
    assert "&#39;" in condescending["sentence"]["text"]
    # Unicode: offsets count code points and UTF-16 units.
    vague = finding(rows[2], "vague_commitment")
    text = "Olá Maria! 🙏 The technician will arrive between 8:00 AM and noon."
    assert text[vague["start"] : vague["end"]] == vague["text"]
    assert vague["start_utf16"] == vague["start"] + 1  # the emoji is two UTF-16 units
    assert result.summary.errors == 2


def test_batch_csv_columns_crlf_and_a_row_with_extra_fields(tmp_path):
    rows, _ = run(tmp_path, "replies.csv")
    assert [row["id"] for row in rows] == ["m-100", "m-101", "m-102", "m-103"]
    assert rows[2]["error"]["code"] == "E503" and "5 fields where the header has 4" in rows[2]["error"]["message"]
    assert set(rows[0]["labels"]) == {"blames_customer", "deflects_ownership"}
    assert rows[1]["findings"] == []  # the near miss from the taxonomy stays quiet
    assert rows[3]["labels"] == ["dismisses_problem"]


def test_batch_csv_unknown_column_is_a_clear_error(tmp_path):
    with pytest.raises(Exception) as caught:
        run(tmp_path, "replies.csv", text_column="reply_text")
    assert caught.value.code == "E504" and "id, title, body, updated" in caught.value.message


def test_batch_directory_of_reply_files(tmp_path):
    rows, _ = run(tmp_path, "replies")
    assert [row["id"] for row in rows] == ["billing/latin1.txt", "billing/overcharge.html", "closing.txt", "welcome.md"]
    assert rows[0]["error"]["code"] == "E003"
    html_source = (BATCH / "replies/billing/overcharge.html").read_text()
    for found in rows[1]["findings"]:
        assert html_source[found["start"] : found["end"]] == found["text"]
    assert "Overcharge" not in json.dumps(rows[1]["findings"])  # <title> is not read
    assert rows[3]["findings"] == []


def test_batch_format_detection_and_unknown_files(tmp_path):
    assert open_format(BATCH / "zendesk_macros.json", None).name == "zendesk"
    assert open_format(BATCH / "freshdesk_canned_responses.json", None).name == "freshdesk"
    assert open_format(BATCH / "helpscout_saved_replies.json", None).name == "helpscout"
    assert open_format(BATCH / "replies.csv", "auto").name == "csv"
    assert open_format(BATCH / "replies", None).name == "dir"
    other = tmp_path / "export.json"
    other.write_text('{"tickets": []}')
    with pytest.raises(Exception) as caught:
        open_format(other, None)
    assert caught.value.code == "E501" and "--format" in caught.value.message


# --- fixes written back ------------------------------------------------------------------------------


def test_batch_fix_zendesk_changes_only_flagged_reply_texts(tmp_path):
    out = tmp_path / "fixed.json"
    run(tmp_path, "zendesk_macros.json", fix=out)
    original = json.loads((BATCH / "zendesk_macros.json").read_text())
    fixed = json.loads(out.read_text())
    expected = copy.deepcopy(original)
    first = fixed["macros"][0]["actions"]
    assert first[1]["value"] == (
        "<p>Hi {{ticket.requester.first_name}},</p><p>Thank you for contacting Acme Car Rental. I'll contact Expedia myself and "
        "update you by [by when]. Meanwhile, can I [solve your original need]?</p><p>Kind regards,<br>{{current_user.first_name}}"
        "<br>Acme Car Rental</p>"
    )
    assert first[2]["value"] == html_view(first[1]["value"]).text  # the plain copy follows the HTML
    expected["macros"][0]["actions"][1]["value"] = first[1]["value"]
    expected["macros"][0]["actions"][2]["value"] = first[2]["value"]
    second = fixed["macros"][1]["actions"][0]["value"]
    assert second[0] == "channel:all" and len(second) == 2  # [channel, text] keeps its shape
    expected["macros"][1]["actions"][0]["value"] = second
    expected["macros"][5]["actions"][0]["value"] = fixed["macros"][5]["actions"][0]["value"]
    assert fixed == expected  # nothing else changed: other fields, clean and broken macros
    for macro in (0, 1, 5):
        before = json.dumps(original["macros"][macro], ensure_ascii=False)
        after = json.dumps(fixed["macros"][macro], ensure_ascii=False)
        assert placeholders_in(after) == placeholders_in(before)  # every placeholder kept, in order


def test_batch_fix_jsonl_keeps_untouched_lines_byte_for_byte(tmp_path):
    out = tmp_path / "fixed.jsonl"
    rows, _ = run(tmp_path, "replies.jsonl", fix=out)
    before = (BATCH / "replies.jsonl").read_bytes().splitlines(keepends=True)
    after = out.read_bytes().splitlines(keepends=True)
    assert len(after) == len(before)
    for row, old, new in zip(rows, before, after, strict=True):
        if (row.get("fix") or {}).get("text") is None:
            assert new == old
        else:
            record, changed = json.loads(old), json.loads(new)
            assert changed == {**record, "text": row["fix"]["text"]}
            assert changed["text"] != record["text"]


def test_batch_fix_csv_and_directory_keep_their_structure(tmp_path):
    out = tmp_path / "fixed.csv"
    rows, _ = run(tmp_path, "replies.csv", fix=out)
    import csv

    before = list(csv.reader((BATCH / "replies.csv").open(newline="", encoding="utf-8")))
    after = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert len(after) == len(before) and after[0] == before[0]
    assert out.read_bytes().split(b"\n")[0].endswith(b"\r")  # CRLF kept
    for row, old, new in zip(rows, before[1:], after[1:], strict=True):
        assert [c for i, c in enumerate(new) if i != 2] == [c for i, c in enumerate(old) if i != 2]
        assert new[2] == ((row.get("fix") or {}).get("text") or old[2])
    assert after[1][2].startswith("Hi {{ticket.requester.first_name}},")

    folder = tmp_path / "fixed"
    rows, _ = run(tmp_path / "d", "replies", fix=folder)
    for row in rows:
        source = (BATCH / "replies" / row["id"]).read_bytes()
        fixed = (folder / row["id"]).read_bytes()
        if (row.get("fix") or {}).get("text") is None:
            assert fixed == source
        else:
            assert fixed.decode() == row["fix"]["text"]
    html_fixed = (folder / "billing/overcharge.html").read_text()
    assert html_fixed.count("<p>") == html_fixed.count("</p>") == 4 and "<title>Overcharge</title>" in html_fixed


def test_batch_fix_refuses_an_edit_across_html_markup(rules_linter):
    text = "<p>This mailbox <b>is not</b> monitored.</p>"
    [row] = score_texts(rules_linter, [(text, True)])
    assert row["labels"] == ["closes_the_door"]
    assert row["fix"]["text"] is None and "markup" in row["fix"]["note"]


def test_batch_fix_never_drops_a_placeholder(rules_linter):
    # The whole flagged sentence is replaced; the Liquid tags inside it cannot be carried over.
    text = "Hi,\n\nThis mailbox is not monitored {% if vip %}for VIPs{% endif %}."
    [row] = score_texts(rules_linter, [(text, False)])
    assert row["labels"] == ["closes_the_door"]
    assert row["fix"]["text"] is None and "placeholder" in row["fix"]["note"]


# --- SARIF, HTML report, exit codes ------------------------------------------------------------------


def test_batch_sarif_is_valid_and_points_at_lines_and_columns(tmp_path):
    sarif_path = tmp_path / "replylint.sarif"
    run(tmp_path, "replies", sarif=sarif_path)
    log = json.loads(sarif_path.read_text())
    schema = json.loads((DATA / "sarif-2.1.0-subset.schema.json").read_text())
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    results = run_["results"]
    assert results and {r["ruleId"] for r in results} <= {rule["id"] for rule in run_["tool"]["driver"]["rules"]}
    closing = (BATCH / "replies/closing.txt").read_text()
    door = next(r for r in results if r["ruleId"].startswith("closes_the_door"))
    location = door["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "closing.txt"
    region = location["region"]
    line = closing.splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == "mailbox is not monitored"
    assert closing[region["charOffset"] : region["charOffset"] + region["charLength"]] == "mailbox is not monitored"
    assert run_["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"] == "E003"
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_batch_sarif_needs_a_directory(tmp_path):
    with pytest.raises(Exception) as caught:
        run(tmp_path, "replies.csv", sarif=tmp_path / "x.sarif")
    assert caught.value.code == "E508"


def test_batch_html_report_is_self_contained_and_highlights_in_place(tmp_path):
    report = tmp_path / "report.html"
    run(tmp_path, "zendesk_macros.json", report=report)
    page = report.read_text()
    assert "<link" not in page and "src=" not in page and "@import" not in page and "http" not in page.split("<main>")[0]
    assert '<mark class="warning">is not affiliated with<sup>' in page
    assert "Whole-reply rewrite" in page and "I&#x27;ll contact Expedia myself" in page
    assert "<svg" in page and "deflects_ownership" in page.split("<main>")[0]
    assert "Hi {{ticket.requester.first_name}}," in page  # HTML bodies are shown as text, placeholders as written
    assert "&lt;p&gt;" not in page.split("<main>")[1].split("Whole-reply")[0]


def test_batch_cli_fail_on_and_exit_codes(tmp_path, capsys):
    clean = tmp_path / "clean.jsonl"
    clean.write_text(
        json.dumps({"id": "a", "text": "I've refunded your order today and will check it arrived on Friday."}) + "\n"
    )
    assert main(["batch", str(clean), "--rules-only", "--fail-on", "warning"]) == 0
    helpscout = str(BATCH / "helpscout_saved_replies.json")
    assert main(["batch", helpscout, "--rules-only"]) == 0
    assert main(["batch", helpscout, "--rules-only", "--fail-on", "error"]) == 1
    assert main(["batch", helpscout, "--rules-only", "--fail-on", "warning"]) == 1
    assert main(["batch", str(BATCH / "replies.jsonl"), "--rules-only"]) == 2  # malformed records
    out = capsys.readouterr().out
    assert "worst first:" in out and "problems per label" in out


# --- large inputs: streaming, parallel order, resume -------------------------------------------------


def test_batch_two_workers_give_the_same_rows_in_order(tmp_path):
    replies = list(open_format(BATCH / "replies.jsonl", None).replies(BATCH / "replies.jsonl")) * 5
    replies = [Reply(i, f"{r.id}#{i}", r.text, r.is_html, r.locator, r.error) for i, r in enumerate(replies)]
    one = [row for _, row in score_replies(replies, RULES, workers=1, chunk_size=4)]
    two = [row for _, row in score_replies(replies, RULES, workers=2, chunk_size=4)]
    assert two == one and [row["index"] for row in two] == list(range(len(replies)))


def test_batch_parent_of_workers_never_loads_spacy(tmp_path):
    """The workers lint; a parent that imported spaCy too would only delay their start by a second."""
    output = tmp_path / "out.jsonl"
    script = (
        "import sys\n"
        "from linter.cli import main\n"
        f"code = main(['batch', {str(BATCH / 'replies.jsonl')!r}, '--output', {str(output)!r}, '--workers', '2', '--rules-only'])\n"
        "print(code, 'spacy' in sys.modules)\n"
    )
    assert run_python(script).split()[-1] == "False"
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()][:2] == [
        r.id for r in list(open_format(BATCH / "replies.jsonl", None).replies(BATCH / "replies.jsonl"))[:2]
    ]


def test_batch_worker_takes_its_linter_out_of_the_garbage_collectors_reach():
    """A full collection walked the linter's ~160,000 objects in 73 ms; a worker freezes them once built."""
    script = (
        "import gc\n"
        "from linter.batch.runner import LinterSpec, _init_worker\n"
        "before = gc.get_freeze_count()\n"
        "_init_worker(LinterSpec(rules_only=True), True)\n"
        "print(before, gc.get_freeze_count())\n"
    )
    before, after = map(int, run_python(script).split())
    assert before == 0 and after > 50_000


def test_batch_streams_without_reading_ahead(rules_linter):
    pulled = 0

    def endless():
        nonlocal pulled
        while True:
            pulled += 1
            yield Reply(pulled - 1, str(pulled), "You will not receive a reply.")

    rows = score_replies(endless(), RULES, workers=2, chunk_size=8)
    for _ in range(100):
        next(rows)
    assert pulled <= 100 + 2 * 3 * 8 + 8  # at most the chunks in flight ahead of what was taken
    rows.close()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_batch_resume_continues_an_interrupted_run(tmp_path, suffix):
    source = tmp_path / "archive.jsonl"
    lines = (BATCH / "replies.jsonl").read_text().splitlines()
    source.write_text("\n".join(lines * 4) + "\n")
    full = tmp_path / f"full{suffix}"
    run_batch(BatchOptions(input=source, output=full, linter=RULES))
    complete = full.read_bytes()
    # Interrupted: 9 complete rows written, the 10th cut off half-way.
    header = len(complete.split(b"\n", 1)[0]) + 1 if suffix == ".csv" else 0
    ends = [header + sum(len(line) + 1 for line in complete[header:].split(b"\n")[:n]) for n in range(1, 11)]
    partial = tmp_path / f"partial{suffix}"
    partial.write_bytes(complete[: (ends[8] + ends[9]) // 2])
    report, fix = tmp_path / "report.html", tmp_path / "fixed.jsonl"
    result = run_batch(BatchOptions(input=source, output=partial, resume=True, linter=RULES, report=report, fix=fix))
    assert (result.resumed, result.scored) == (9, len(lines) * 4 - 9)
    assert partial.read_bytes() == complete  # nothing redone twice, nothing lost
    assert result.summary.replies == len(lines) * 4  # the other outputs cover the whole input
    assert report.read_text().count('<section class="reply') == len(lines) * 4
    assert len(fix.read_text().splitlines()) == len(lines) * 4


def test_batch_resume_rejects_another_input_and_output_is_never_overwritten(tmp_path):
    output = tmp_path / "out.jsonl"
    run_batch(BatchOptions(input=BATCH / "replies.jsonl", output=output, linter=RULES))
    with pytest.raises(Exception) as caught:
        run_batch(BatchOptions(input=BATCH / "replies.jsonl", output=output, linter=RULES))
    assert caught.value.code == "E505"
    with pytest.raises(Exception) as caught:
        run_batch(BatchOptions(input=BATCH / "replies.csv", output=output, resume=True, linter=RULES))
    assert caught.value.code == "E507"
    rows = list(JsonlOutput.completed(output))
    assert len(rows) == 7


def test_batch_fix_output_never_overwrites_the_input(tmp_path):
    folder = tmp_path / "replies"
    shutil.copytree(BATCH / "replies", folder)
    with pytest.raises(Exception) as caught:
        run_batch(BatchOptions(input=folder, fix=folder, linter=RULES))
    assert caught.value.code == "E508"


def test_batch_progress_shows_rate_and_time_left():
    import io

    from linter.batch.runner import Progress

    stream = io.StringIO()
    progress = Progress(total=1000, stream=stream)
    progress.started -= 10  # as if ten seconds had passed
    progress.done = 250
    progress.draw()
    assert stream.getvalue() == "\r250/1,000 replies  25/s  0:00:30 left   "
