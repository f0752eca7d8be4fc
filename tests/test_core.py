"""The core pipeline: offsets, quoted text, bad input, the report's JSON form."""

from __future__ import annotations

import jsonschema
import pytest
from helpers import utf16_slice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linter
from linter import ReplylintError
from linter.core import MAX_CHARS
from linter.voice import quoted_ranges

ENTERPRISE = (
    "Hello Mark, I can understand how this experience would be frustrating for you. Expedia is an independent "
    "third party brokerage service that is not affiliated with Enterprise. If given the wrong information such "
    "as the address and pickup time, please contact Expedia for further investigation."
)


def _assert_offsets(text: str, report: linter.Report) -> None:
    for finding in report.findings:
        for span in (finding.span, finding.sentence, *(s.span for s in finding.suggestions)):
            assert text[span.start : span.end] == span.text
            assert utf16_slice(text, span.start_utf16, span.end_utf16) == span.text
            assert span.start <= span.end


@pytest.mark.parametrize(
    ("text", "label", "span_text"),
    [
        ("You will not receive a reply.", "closes_the_door", "will not receive a reply"),
        ("Hi Ana,\n\nThanks for your note.\n\n--\nThis mailbox is not monitored.", "closes_the_door", "mailbox is not monitored"),
    ],
)
def test_core_flags_seed_sentences(text: str, label: str, span_text: str) -> None:
    report = linter.lint(text)
    assert any(f.label == label and f.text == span_text for f in report.findings), report.to_dict()
    assert report.verdict in ("warn", "fail")
    assert 0 < report.score <= 1


@pytest.mark.parametrize(
    "text",
    [
        "> You will not receive a reply.\n\nHi Dana, I'm sorry about that. I've refunded you today.",
        'Hi Dana, you wrote: "this mailbox is not monitored, do not reply". That was our mistake; replies reach me directly.',
        "Hi Dana,\n\nI've fixed the login and sent you a new link.\n\nOn Tue, 3 Mar 2026 at 10:14, Dana Whitfield <dana@example.com> wrote:\nYou will not receive a reply, your company said.",
        "Thanks!\n\n-----Original Message-----\nFrom: Dana\nSent: Monday\nThis mailbox is not monitored",
    ],
)
def test_core_quoted_customer_text_is_not_flagged(text: str) -> None:
    assert linter.lint(text).findings == ()


def test_core_quoted_ranges_keep_agent_text() -> None:
    text = 'I hear you. You said "nobody answers" and that is on us.\nI will call you at 4pm.'
    ranges = quoted_ranges(text)
    assert [text[s:e] for s, e in ranges] == ["nobody answers"]


def test_core_quote_after_a_few_words_of_the_agent_is_still_the_customer() -> None:
    text = 'You wrote that the courier was "useless, calls every week and never shows". You are right, and I am sorry.'
    assert [text[s:e] for s, e in quoted_ranges(text)] == ["useless, calls every week and never shows"]
    # Without an attribution verb the agent's own quotation marks are the agent's voice.
    assert quoted_ranges('The policy says "no refunds after 30 days", so you will not receive one.') == []


def test_core_offsets_with_emoji_and_combining_characters() -> None:
    text = "Zoë 👋🏽 — e\u0301 ok. 😀😀 This mailbox is not monitored. 🙏"
    report = linter.lint(text)
    assert [f.text for f in report.findings] == ["mailbox is not monitored"]
    finding = report.findings[0]
    assert finding.span.start_utf16 - finding.start == 4  # 👋 🏽 😀 😀 are astral: two UTF-16 units each
    _assert_offsets(text, report)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t", "\u200b"])
def test_core_empty_text_gives_empty_report(text: str) -> None:
    report = linter.lint(text)
    assert report.findings == () and report.verdict == "pass" and report.score == 0.0


def test_core_text_over_limit_is_a_clear_error() -> None:
    with pytest.raises(ReplylintError) as info:
        linter.lint("a" * (MAX_CHARS + 1))
    assert info.value.code == "E001" and "50,000" in info.value.message


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["list"]])
def test_core_wrong_type_is_a_clear_error(value: object) -> None:
    with pytest.raises(ReplylintError) as info:
        linter.lint(value)  # type: ignore[arg-type]
    assert info.value.code == "E002"


@pytest.mark.parametrize(
    "text",
    [
        "<p>Hello,</p><p>This mailbox is <b>not</b> monitored.</p>",
        "مرحبا، لن تتلقى ردًا. This mailbox is not monitored.",
        "Bonjour, vous ne recevrez pas de réponse.",
        "\x00\x01\x02\ufffd\udc80 binary \x7f junk",
        "这个邮箱无人监控。请不要回复。",
    ],
)
def test_core_odd_input_never_crashes_and_offsets_slice_back(text: str) -> None:
    report = linter.lint(text)
    _assert_offsets(text, report)


def test_core_context_is_validated() -> None:
    linter.lint("Thanks!", {"customer_name": "Ana", "partners": ["Expedia"]})
    with pytest.raises(ReplylintError) as info:
        linter.lint("Thanks!", {"customer": "Ana"})
    assert info.value.code == "E007"


def test_core_report_matches_json_schema(report_schema: dict) -> None:
    for text in (ENTERPRISE, "You will not receive a reply. 😀", "", "All sorted, the refund is on its way."):
        jsonschema.validate(linter.lint(text).to_dict(), report_schema)


_problem_phrases = st.sampled_from(
    ["This mailbox is not monitored.", "You will not receive a reply.", "Please do not reply to this email.", "Thanks!"]
)
_noise = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["😀", "👩‍👩‍👧", "e\u0301", "\u202eabc", "\n> quoted", "\n\n", "Zoë", "🇺🇸"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_problem_phrases, _noise), max_size=8))
def test_core_offsets_always_slice_back(parts: list[str]) -> None:
    text = " ".join(parts)
    report = linter.lint(text)
    _assert_offsets(text, report)
    assert report.text_length == len(text)
    assert report.text_length_utf16 == len(text.encode("utf-16-le", "surrogatepass")) // 2


# Next-sentence antipatterns: a near miss is cancelled by what the agent says in the next sentence.
RULES_ONLY = linter.Linter(model=None)


@pytest.mark.parametrize(
    ("before", "follow_up", "after", "rule_id"),
    [
        (
            "Hi Oliver,\n\nI'm sorry, I can't refund the annual plan you bought in January. Our payment system won't "
            "let me issue one after 14 days.\n\n",
            "What I can do is switch you to monthly billing from your renewal date and credit the remaining five months "
            "to your account.",
            "\n\nBest,\nChloe, Streamly Support",
            "process_over_customer.policy_forbids",
        ),
        (
            "Hi Marta,\n\nThe festival organiser decides whether refunds are given. ",
            "I've asked them directly on your behalf and will email you their answer by Friday.",
            "\n\nBest,\nJonah",
            "deflects_ownership.out_of_our_hands",
        ),
        (
            "Your order has shipped.\n\nThis mailbox isn't monitored. ",
            "For anything about this order, reply to priya@shop.com and I'll answer within a day.",
            "",
            "closes_the_door.unmonitored_mailbox",
        ),
    ],
)
def test_core_next_sentence_ownership_cancels_the_hit(before: str, follow_up: str, after: str, rule_id: str) -> None:
    assert rule_id not in {f.rule_id for f in RULES_ONLY.lint(before + follow_up + after).findings}
    # The same draft with a vague follow-up keeps the hit.
    for vague in ("Thanks for your understanding.", "I hope this helps.", "Let us know if you have other questions."):
        text = before + vague + after
        assert rule_id in {f.rule_id for f in RULES_ONLY.lint(text).findings}, text


def test_core_next_sentence_is_the_agents_next_one() -> None:
    hit = "process_over_customer.policy_forbids"
    near_miss = "Our payment system won't let me issue a refund after 14 days."
    follow_up = "What I can do is switch you to monthly billing."

    def rule_ids(text: str) -> set[str]:
        return {f.rule_id for f in RULES_ONLY.lint(text).findings}

    # Blank lines and a quoted customer line between them are skipped.
    assert hit not in rule_ids(f"{near_miss}\n\n> Why can't you refund me?\n\n{follow_up}")
    # Only the next sentence counts: an action two sentences later does not cancel.
    assert hit in rule_ids(f"{near_miss} I hope this helps. {follow_up}")
    # The follow-up must be the agent's own words: the customer's quoted text does not cancel.
    assert hit in rule_ids(f"{near_miss}\n> {follow_up}")
    # A hit in the last sentence has no next sentence and stays.
    assert hit in rule_ids(f"{follow_up} {near_miss}")
