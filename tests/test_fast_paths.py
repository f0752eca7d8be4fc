"""The shortcuts that make rules-only linting fast give exactly what the plain way gives.

Each test compares a fast path with the straightforward computation it replaces, on real drafts
(the dev set) and every rule example: the rule prefilter against running every pattern, the
chunk-caching tokenizer against spaCy's tokenizer, the array sentence splitter against spaCy's
Sentencizer plus the line-break rule, and slot extraction on the cases its skips and overlaps touch.
"""

from __future__ import annotations

import json

import pytest
import spacy
from conftest import DATA
from spacy.attrs import SENT_START
from spacy.matcher import Matcher
from spacy.tokens import Doc

from linter import Linter
from linter.nlp import english
from linter.rules import RuleHit, _trimmed, _whole_words
from linter.slots import extract_slots
from linter.voice import mask, quoted_ranges

TRICKY = [
    "",
    "\n\n",
    "I'm sorry. You shouldn't have to chase this; it's on us, and we'll fix it.\n\nDon't worry!",
    "Hi Zoë 😀,\n\nWe can't do that... or can we?! (See https://x.com/a.b?c=1) — “quoted” e\u0301.",
    "CAN'T HELP. No one else has reported this!!!\t\tAs I already said: read the FAQ.",
    "Dear Ms. O'Neil,\n- item one\n- item two\n\nRegards,\nDana\n> you will not receive a reply",
    "We won't respond to further correspondence.  Please don't reply to this e-mail.",
]


@pytest.fixture(scope="module")
def rules_linter() -> Linter:
    return Linter(model=None)


@pytest.fixture(scope="module")
def texts(rules_linter: Linter) -> list[str]:
    drafts = [json.loads(line)["text"] for line in (DATA / "dev_drafts.jsonl").read_text(encoding="utf-8").splitlines()]
    examples = [example.text for rule in rules_linter.rules for example in rule.incorrect]
    examples += [text for rule in rules_linter.rules for text in rule.correct]
    return drafts + examples + TRICKY


EveryPattern = tuple[Matcher, dict[str, Matcher], dict[str, Matcher]]


@pytest.fixture(scope="module")
def every_pattern(rules_linter: Linter) -> EveryPattern:
    """One Matcher with every pattern, and per rule one with all its antipatterns and one with all
    its next-sentence antipatterns: no prefilter."""
    vocab = rules_linter.nlp.vocab
    matcher = Matcher(vocab)
    antimatchers: dict[str, Matcher] = {}
    next_antimatchers: dict[str, Matcher] = {}
    for rule in rules_linter.rules:
        matcher.add(rule.id, [list(pattern) for pattern in rule.patterns])
        for patterns, by_rule in ((rule.antipatterns, antimatchers), (rule.next_sentence_antipatterns, next_antimatchers)):
            if patterns:
                by_rule[rule.id] = Matcher(vocab)
                by_rule[rule.id].add(rule.id, [list(pattern) for pattern in patterns])
    return matcher, antimatchers, next_antimatchers


def _every_pattern_hits(rules_linter: Linter, every_pattern: EveryPattern, doc: Doc, text: str) -> list[RuleHit]:
    """Rule hits with no prefilter: every pattern and every antipattern on every sentence, every
    next-sentence antipattern on the next sentence that is not blank."""
    vocab = rules_linter.nlp.vocab
    matcher, antimatchers, next_antimatchers = every_pattern
    rules = {rule.id: rule for rule in rules_linter.rules}
    hits = []
    sentences = list(doc.sents)
    for number, sent in enumerate(sentences):
        following = next((s for s in sentences[number + 1 :] if not all(t.is_space for t in s)), None)
        best: dict[str, tuple[int, int]] = {}
        for key, start, end in matcher(sent):
            rule_id = vocab.strings[key]
            previous = best.get(rule_id)
            if previous is None or (end - start, -start) > (previous[1] - previous[0], -previous[0]):
                best[rule_id] = (start, end)
        for rule_id, (start, end) in best.items():
            if rule_id in antimatchers and antimatchers[rule_id](sent):
                continue
            if rule_id in next_antimatchers and following is not None and next_antimatchers[rule_id](following):
                continue
            span = sent[start:end]
            start_char, end_char = _whole_words(text, span.start_char, span.end_char)
            hits.append(RuleHit(rules[rule_id], start_char, end_char, *_trimmed(doc, sent.start, sent.end)))
    return sorted(hits, key=lambda hit: (hit.start, hit.end, hit.rule.id))


def test_rules_prefilter_finds_exactly_what_every_pattern_finds(
    rules_linter: Linter, every_pattern: EveryPattern, texts: list[str]
) -> None:
    assert rules_linter.rule_matcher is not None
    compared = with_hits = 0
    for text in texts:
        masked = mask(text, quoted_ranges(text))
        doc = rules_linter.nlp(masked)
        fast = sorted(rules_linter.rule_matcher(doc, masked), key=lambda hit: (hit.start, hit.end, hit.rule.id))
        assert fast == _every_pattern_hits(rules_linter, every_pattern, doc, masked), text
        compared += 1
        with_hits += bool(fast)
    assert compared == len(texts) and with_hits > 500  # the comparison covered many real hits


def _token_view(doc: Doc) -> list[tuple]:
    return [(t.text, t.idx, t.whitespace_, t.norm_, t.lower_, t.is_space, t.is_punct) for t in doc]


def test_nlp_tokenizer_gives_spacys_tokens(texts: list[str]) -> None:
    plain = spacy.blank("en").tokenizer
    tokenizer = english().tokenizer
    for _ in range(2):  # cold, then with every chunk cached
        for text in texts:
            assert _token_view(tokenizer(text)) == _token_view(plain(text)), text
    assert "shouldn't" in tokenizer.seen and "worry!" in tokenizer.seen


def _sentencizer_then_line_breaks() -> spacy.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def test_nlp_sentence_starts_match_sentencizer_plus_line_breaks(texts: list[str]) -> None:
    reference = _sentencizer_then_line_breaks()
    nlp = english()
    for text in [*texts, "...", "!? ?!", "Dr. Who.\n", "a.\n\n\nb", "x。y！z", '"Done." Next (really).']:
        expected = reference(text)
        for token in expected[:-1]:
            if token.is_space and "\n" in token.text:
                expected[token.i + 1].is_sent_start = True
        doc = nlp(text)
        assert doc.to_array([SENT_START]).tolist() == expected.to_array([SENT_START]).tolist(), text
        assert [s.start for s in doc.sents] == [s.start for s in expected.sents], text


@pytest.mark.parametrize(
    ("text", "expected", "absent_kinds"),
    [
        ("See WWW.Shop.com/help or http://x.io today.", {("url", "WWW.Shop.com/help"), ("url", "http://x.io")}, {"email"}),
        ("Order #A-55213 was refunded.", {("id", "#A-55213")}, {"number"}),  # the id covers its digits
        ("Write to help@shop.com, not to the shop.", {("email", "help@shop.com")}, {"url", "money", "number"}),
        ("No digits, no links, nothing to keep here.", set(), {"email", "url", "money", "number", "id"}),
    ],
)
def test_slots_skips_and_overlaps(text: str, expected: set[tuple[str, str]], absent_kinds: set[str]) -> None:
    found = extract_slots(text)
    assert expected <= {(slot.kind, slot.text) for slot in found}
    assert not absent_kinds & {slot.kind for slot in found}
    covered = [index for slot in found for index in range(slot.start, slot.end)]
    assert len(covered) == len(set(covered))  # slots never overlap


def test_vocab_zones_keep_spacy_from_growing_and_lint_the_same() -> None:
    """Past the vocab budget, new words (order numbers here) are forgotten after each zone, and
    drafts linted inside zones, from two threads at once, get the same findings as outside."""
    import threading

    from linter import Linter
    from linter.nlp import VocabZones, english

    linter = Linter(model=None)
    drafts = [
        f"Hi Sam, order {n} shipped. This mailbox is not monitored. Expedia is a third party, please contact them."
        for n in range(7_000_000, 7_000_400)
    ]
    expected = [linter.lint(text).to_dict() for text in drafts[:20]]
    zones = VocabZones(english(), budget=0, zone_drafts=7)  # a zone from the first draft on
    linter.vocab_zones = zones
    strings_before = len(english().vocab.strings)
    results: dict[int, dict] = {}

    def lint_share(offset: int) -> None:
        for index in range(offset, len(drafts), 2):
            results[index] = linter.lint(drafts[index]).to_dict()

    threads = [threading.Thread(target=lint_share, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[index] for index in range(20)] == expected
    assert len(results) == len(drafts) and zones.zones_closed >= len(drafts) // 7
    assert len(english().vocab.strings) <= strings_before + 5  # 380 new order numbers, all forgotten
