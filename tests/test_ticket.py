"""Checks of a draft against its ticket (linter/ticket.py) on hand-written ticket + draft pairs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import DATA, ROOT
from helpers import utf16_slice

from linter import Linter, ReplylintError
from linter.context_eval import context_labels, format_scores, read_pairs, score
from linter.rewriter import rewrite
from linter.rules import PLACEHOLDER
from linter.taxonomy import ALL_LABELS, CONTEXT_LABEL_IDS, LABEL_IDS
from linter.ticket import CONTEXT_CHECKS, DEFAULT_CONTEXT_CHECKS, MIN_PRECISION, _fold, nickname_groups

PAIR_FILES = (DATA / "ticket_pairs.jsonl", DATA / "ticket_pairs_holdout.jsonl")
PAIRS = [pair for path in PAIR_FILES for pair in read_pairs(path)]
linter = Linter(model=None, context_checks="all")

SEED_CONTEXT = {
    "customer_name": "Mark Jensen",
    "company": "Enterprise",
    "partners": ["Expedia", "Travelocity"],
    "customer_messages": ["I booked through Expedia and your Dayton branch was closed. Can I still get a car today?"],
}
SEED_DRAFT = (
    "Hello Dan,\n\nTravelocity is an independent third party that is not affiliated with Enterprise. "
    "Please contact Travelocity for further investigation.\n\nJon"
)


def _assert_spans(text: str, report) -> None:
    for finding in report.findings:
        for span in (finding.span, finding.sentence, *(s.span for s in finding.suggestions)):
            assert text[span.start : span.end] == span.text
            assert utf16_slice(text, span.start_utf16, span.end_utf16) == span.text


def test_ticket_pairs_are_many_varied_and_half_clean() -> None:
    main = read_pairs(PAIR_FILES[0])
    assert len(main) >= 60 and sum(1 for pair in main if not pair.expected) * 2 >= len(main)
    for check in CONTEXT_CHECKS:
        assert sum(1 for pair in main if check in pair.expected) >= 7, check
    assert len({pair.id for pair in PAIRS}) == len(PAIRS)


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.id for pair in PAIRS])
def test_ticket_pair_expectations(pair) -> None:
    report = linter.lint(pair.draft, pair.context)
    assert context_labels(report) == set(pair.expected)
    _assert_spans(pair.draft, report)
    for label, text in pair.flagged.items():
        first = next(f for f in report.findings if f.label == label)
        # unanswered_question quotes the customer's question in its message; the others flag the draft's words.
        assert (text in first.message) if label == "unanswered_question" else first.text == text
    for finding in report.findings:
        if finding.label in CONTEXT_LABEL_IDS:
            assert finding.message and finding.suggestions and finding.rule_id.startswith(f"context.{finding.label}.")
            for suggestion in finding.suggestions:
                assert suggestion.placeholders == tuple(dict.fromkeys(PLACEHOLDER.findall(suggestion.replacement)))


def test_ticket_precision_and_recall_per_check(capsys) -> None:
    scores = score(PAIRS, linter)
    print(format_scores(scores, len(PAIRS), sum(1 for pair in PAIRS if not pair.expected)))
    for result in scores:
        assert result.recall is not None and result.precision is not None
        if result.check in DEFAULT_CONTEXT_CHECKS:
            assert result.precision >= MIN_PRECISION, result
    assert "precision" in capsys.readouterr().out


def test_ticket_seed_reply_gets_the_right_name_partner_and_next_step() -> None:
    report = linter.lint(SEED_DRAFT, SEED_CONTEXT)
    by_label = {}
    for finding in report.findings:
        by_label.setdefault(finding.label, []).append(finding)
    assert [(f.text, f.suggestions[0].replacement) for f in by_label["wrong_recipient"]] == [("Dan", "Mark")]
    assert [(f.text, f.suggestions[0].replacement) for f in by_label["wrong_partner"]] == [("Travelocity", "Expedia")] * 2
    assert by_label["wrong_recipient"][0].severity == "error" and report.verdict == "fail"
    (step,) = by_label["no_next_step"]
    assert step.suggestions[0].replacement.endswith("I'll [next step] and update you by [by when].")
    assert step.suggestions[0].placeholders == ("[next step]", "[by when]")
    (question,) = by_label["unanswered_question"]
    assert 'You asked: "Can I still get a car today?" [answer].' in question.suggestions[0].replacement


def test_ticket_checks_are_silent_without_context() -> None:
    for pair in PAIRS:
        assert not context_labels(linter.lint(pair.draft))
    # An empty context runs the one check that needs no field.
    assert context_labels(linter.lint("Hi [NAME], your refund of $XX.XX is on its way.", {})) == {"unfilled_placeholder"}
    assert context_labels(linter.lint("Hello Dan, your refund is on its way.", {})) == set()


def test_ticket_quoted_customer_text_is_not_checked() -> None:
    draft = "Hi Mark,\n\nI've rebooked your car for 3pm today at Dayton North.\n\n> Hi Dan, [NAME] here, my Travelocity booking"
    assert context_labels(linter.lint(draft, SEED_CONTEXT)) == set()


@pytest.mark.parametrize(
    ("customer", "greeting", "wrong"),
    [
        ("Robert Hughes", "Bob", False),
        ("Margaret Ellis", "Peggy", False),
        ("Alexandra Ionescu", "Alex", False),
        ("José Álvarez", "Jose", False),
        ("Siobhán O'Connor", "Ms O'Connor", False),
        ("佐藤 健", "佐藤様", False),
        ("김민준", "민준", False),
        ("Wang Xiuying", "王秀英", False),  # another script: can't be checked, so not flagged
        ("Mark Jensen", "Dan", True),
        ("李娜", "王芳", True),
        ("Дмитрий Соколов", "Алексей", True),
        ("Katarzyna Nowak", "Mr. Nowicki", True),
    ],
)
def test_ticket_names_nicknames_accents_and_scripts(customer: str, greeting: str, wrong: bool) -> None:
    draft = f"Dear {greeting},\n\nI've refunded the order today. 😀"
    report = linter.lint(draft, {"customer_name": customer})
    assert ("wrong_recipient" in context_labels(report)) == wrong
    _assert_spans(draft, report)


def test_ticket_nickname_groups_are_symmetric() -> None:
    groups = nickname_groups()
    assert "bob" in groups["robert"] and "robert" in groups["bob"]
    assert _fold("Дима") in groups[_fold("Дмитрий")] and _fold("José") in groups["joseph"]


@pytest.mark.parametrize(
    "placeholder",
    [
        "[NAME]",
        "{{ticket.requester.first_name}}",
        "<customer>",
        "XXX",
        "TBD",
        "[by when]",
        "*|FNAME|*",
        "{first_name}",
        "%FIRST_NAME%",
    ],
)
def test_ticket_placeholders_are_flagged(placeholder: str) -> None:
    draft = f"Hi Ana,\n\nYour new delivery date is {placeholder} and I'll confirm it by email."
    (finding,) = [f for f in linter.lint(draft, {}).findings if f.label == "unfilled_placeholder"]
    assert finding.text == placeholder


@pytest.mark.parametrize(
    "aside",
    [
        "[1]",
        "[sic]",
        "[our status page](https://example.com)",
        "<b>",
        "<billing@example.com>",
        "[#48213]",
        "XXL",
        "Hi,",
        "[image: logo.png]",
    ],
)
def test_ticket_brackets_that_are_not_placeholders(aside: str) -> None:
    draft = f"Hi Ana,\n\nI've refunded the order today {aside} and emailed the receipt."
    assert "unfilled_placeholder" not in context_labels(linter.lint(draft, {}))


def test_ticket_rewrite_placeholders_left_in_are_flagged() -> None:
    """Whatever `[...]` slot a rewrite inserts, the unfilled_placeholder check flags it if it is sent as it is."""
    drafts = [json.loads(line)["text"] for line in (DATA / "dev_drafts.jsonl").read_text().splitlines()[:60]]
    checked = 0
    for draft in drafts:
        result = rewrite(linter, draft, recheck=False)
        if not result.placeholders:
            continue
        flagged = {f.text for f in linter.lint(result.text, {}).findings if f.label == "unfilled_placeholder"}
        assert {p.text for p in result.placeholders} <= flagged, result.text
        checked += 1
    assert checked >= 20


def test_ticket_placeholder_suggestions_fill_known_values() -> None:
    context = {"customer_name": "Grace Kim", "agent_name": "Owen", "company": "Loomly"}
    draft = "Hi {{ticket.requester.first_name}},\n\nYour refund is on its way.\n\n{{current_user.first_name}}\n[company]"
    found = {f.text: f.suggestions[0] for f in linter.lint(draft, context).findings if f.label == "unfilled_placeholder"}
    assert found["{{ticket.requester.first_name}}"].replacement == "Grace"
    assert found["{{current_user.first_name}}"].replacement == "Owen"
    assert found["[company]"].replacement == "Loomly"
    unknown = {f.text: f.suggestions[0] for f in linter.lint("Your order XXX shipped today.", {}).findings}
    assert unknown["XXX"].replacement == "[the real value]" and unknown["XXX"].placeholders == ("[the real value]",)


def test_ticket_partner_named_alongside_the_right_one_is_deliberate() -> None:
    context = {"partners": ["DPD", "Evri", "Royal Mail"], "customer_messages": ["Evri returned my parcel to sender."]}
    both = "I'll chase Evri today, and I've sent a second parcel by Royal Mail."
    only_other = "I've asked Royal Mail to redeliver it tomorrow."
    assert "wrong_partner" not in context_labels(linter.lint(both, context))
    assert "wrong_partner" in context_labels(linter.lint(only_other, context))
    assert "wrong_partner" not in context_labels(
        linter.lint(only_other, {"partners": ["Royal Mail"], **{"customer_messages": ["x"]}})
    )


def test_ticket_multiple_customer_messages_are_all_read() -> None:
    context = {
        "customer_name": "Amelia Turner",
        "customer_messages": [
            "Where is my order LS-2291?",
            "Also, can I change the delivery address to my office at 22 King Street?",
        ],
    }
    report = linter.lint("Hi Amelia,\n\nLS-2291 is out for delivery today.", context)
    (finding,) = [f for f in report.findings if f.label == "unanswered_question"]
    assert "22 King Street" in finding.message


def test_ticket_checks_setting() -> None:
    only_partner = Linter(model=None, context_checks=["wrong_partner"])
    assert context_labels(only_partner.lint(SEED_DRAFT, SEED_CONTEXT)) == {"wrong_partner"}
    assert Linter(model=None, context_checks=[]).lint(SEED_DRAFT, SEED_CONTEXT).findings == linter.lint(SEED_DRAFT).findings
    assert Linter(model=None).context_checker.enabled == DEFAULT_CONTEXT_CHECKS
    with pytest.raises(ReplylintError) as info:
        Linter(model=None, context_checks=["wrong_name"])
    assert info.value.code == "E008" and "wrong_recipient" in info.value.message


def test_ticket_batch_matches_single_lint() -> None:
    drafts = [pair.draft for pair in PAIRS[:10]]
    batch = linter.lint_batch(drafts, PAIRS[0].context)
    assert [r.to_dict() for r in batch] == [linter.lint(d, PAIRS[0].context).to_dict() for d in drafts]


def test_ticket_labels_are_documented_next_to_the_taxonomy() -> None:
    assert [label.id for label in ALL_LABELS] == [*LABEL_IDS, *CONTEXT_LABEL_IDS]
    assert set(CONTEXT_LABEL_IDS) == set(CONTEXT_CHECKS)
    assert all(label.category == "context" for label in ALL_LABELS if label.id in CONTEXT_LABEL_IDS)
    docs = (ROOT / "docs" / "labels.md").read_text() + (ROOT / "README.md").read_text()
    for label in CONTEXT_LABEL_IDS:
        assert f"`{label}`" in docs


def test_ticket_cli_context_file(tmp_path) -> None:
    context = tmp_path / "context.json"
    context.write_text(json.dumps(SEED_CONTEXT))
    command = [sys.executable, "-m", "linter.cli", "check", "--rules-only", "--json", "--context", str(context), SEED_DRAFT]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 1, done.stderr
    labels = json.loads(done.stdout)["labels"]
    assert {"wrong_recipient", "wrong_partner", "no_next_step", "unanswered_question"} <= set(labels)
    only = subprocess.run(
        [*command[:4], "--context-checks", "wrong_partner", *command[4:]], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert set(json.loads(only.stdout)["labels"]) & set(CONTEXT_LABEL_IDS) == {"wrong_partner"}
    bad = subprocess.run(
        [*command[:4], "--context-checks", "nope", *command[4:]], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert bad.returncode == 2 and "E008" in bad.stderr
