"""Compose authored sentences into whole drafts and cut them into sentence examples.

Drafts get greetings, clean context sentences, zero to two problem sentences, sign-offs, footers
and quoted customer lines (which must not count), with light noise. Sentence examples are cut
with the runtime's own segmentation, so the model trains on what it will see. Seeded: the same
config gives the same data.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from linter.nlp import english
from linter.segments import scoring_pairs, sentence_ranges
from linter.taxonomy import LABEL_IDS
from linter.voice import mask, quoted_ranges

from .corpus import AuthoredDraft, AuthoredSentence

NAMES = [
    "Mark",
    "Priya",
    "Dana",
    "José",
    "Zoë",
    "Łukasz",
    "Aisha",
    "Tom",
    "Mei",
    "Olu",
    "Sven",
    "Fatima",
    "Raj",
    "Chloe",
    "Kwame",
    "Ingrid",
    "Diego",
    "Hannah",
    "Yuki",
    "Ahmed",
    "Bea",
    "Carlos",
    "Nia",
    "Pat",
    "Sam",
    "Anna",
    "Wei",
    "Ola",
]
AGENTS = ["Jon", "Lena", "Marco", "Sophie", "Ravi", "Grace", "Omar", "Ellie", "Tariq", "Jess", "Noah", "Ines"]
COMPANIES = [
    "Acme Rentals",
    "Brightline Telecom",
    "Northwind Bank",
    "Parcelly",
    "Homefix",
    "StayWell Hotels",
    "Cloudvault",
    "Green Valley Clinic",
    "Metro Transit",
    "LearnHub",
    "Shopwise",
    "Covermore Insurance",
]
GREETINGS = [
    "Hi {name},",
    "Hello {name},",
    "Dear {name},",
    "Hey {name}!",
    "Good morning {name},",
    "Hi there,",
    "Hello,",
    "Dear Customer,",
    "Dear Mr. {name},",
    "Hi {name} -",
    "{name},",
    "Thanks for reaching out, {name}.",
    "Thank you for contacting {company}.",
    "Hi {name}, thanks for getting in touch.",
]
SIGNOFFS = [
    "Best,\n{agent}",
    "Kind regards,\n{agent}\n{company} Support",
    "Thanks,\n{agent}",
    "Cheers,\n{agent}",
    "Best regards,\n{agent} | {company}",
    "Warm wishes,\n{agent}",
    "Sincerely,\nThe {company} Team",
    "- {agent}",
    "Regards,\n{agent}\nCustomer Care",
    "Talk soon,\n{agent}",
]
FOOTERS = [
    "{company} Ltd, 14 Harbour Street, Leeds LS1 4DY. Registered in England No. 0845521.",
    "Replies to this email reach our support team directly.",
    "You can manage your notification settings in your account.",
    "Our support team is available Monday to Friday, 8am to 8pm.",
    "This email and any attachments are confidential and intended solely for the addressee.",
    "Follow us for service updates at status.{domain}.com.",
]
QUOTE_ATTRIBUTIONS = [
    "On Tue, 3 Mar 2026 at 10:14, {name} <{email}> wrote:",
    "On Monday, {name} wrote:",
    "-----Original Message-----\nFrom: {name} <{email}>\nSent: Friday, 6 March 2026 09:12",
]
CUSTOMER_LINES = [
    "I have been waiting for two weeks and nobody helps me.",
    "This is the third time I am writing to you.",
    "Your app charged me twice for the same order.",
    "The engineer never showed up yesterday.",
    "I want a refund now.",
    "Why is my account locked?",
    "The parcel says delivered but it is not here.",
]
CONTRACTIONS = [
    ("do not", "don't"),
    ("does not", "doesn't"),
    ("cannot", "can't"),
    ("will not", "won't"),
    ("I am", "I'm"),
    ("we are", "we're"),
    ("it is", "it's"),
    ("I will", "I'll"),
    ("we will", "we'll"),
    ("you are", "you're"),
    ("is not", "isn't"),
    ("have not", "haven't"),
    ("I have", "I've"),
]


@dataclass(frozen=True)
class GenerateConfig:
    seed: int = 13
    drafts: dict[str, int] | None = None  # per split
    noise: float = 0.25
    quoted_share: float = 0.15
    footer_share: float = 0.2
    chat_share: float = 0.3
    problem_share: float = 0.55
    near_miss_share: float = 0.0  # chance that a clean context sentence is drawn from the near misses
    authored_draft_weight: float = 2.0  # training weight of sentences from hand-written whole drafts


@dataclass
class Part:
    text: str
    label: str | None = None
    weight: float = 1.0


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.7:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def add_noise(text: str, rng: random.Random, rate: float) -> str:
    """Contractions either way, a typo or two, dropped final punctuation, lower-casing."""
    if rng.random() < rate:
        for full, short in CONTRACTIONS:
            if rng.random() < 0.5:
                text = (
                    re.sub(rf"\b{full}\b", short, text, flags=re.I)
                    if rng.random() < 0.5
                    else re.sub(rf"\b{re.escape(short)}\b", full, text, flags=re.I)
                )
    if rng.random() < rate:
        words = text.split(" ")
        for _ in range(rng.randint(1, 2)):
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
        text = " ".join(words)
    if rng.random() < rate * 0.5:
        text = text.rstrip(".!")
    if rng.random() < rate * 0.4:
        text = text.lower()
    return text


def _fill(template: str, rng: random.Random) -> str:
    name = rng.choice(NAMES)
    company = rng.choice(COMPANIES)
    return template.format(
        name=name,
        agent=rng.choice(AGENTS),
        company=company,
        domain=company.split()[0].lower(),
        email=f"{name.lower()}@example.com",
    )


def compose(
    rng: random.Random, config: GenerateConfig, clean: list[AuthoredSentence], problems: dict[str, list[AuthoredSentence]]
) -> list[Part]:
    """One draft as a list of parts; problem parts carry their label."""
    chat = rng.random() < config.chat_share
    count = rng.randint(1, 2 if chat else 4)
    if config.near_miss_share:
        near_misses = [s for s in clean if s.near_miss_of] or clean
        chosen = [rng.choice(near_misses) if rng.random() < config.near_miss_share else rng.choice(clean) for _ in range(count)]
    else:
        chosen = rng.sample(clean, count)
    body = [Part(s.text, None, s.weight) for s in chosen]
    if rng.random() < config.problem_share:
        for label in rng.sample(LABEL_IDS, rng.choice((1, 1, 1, 2))):
            sentence = rng.choice(problems[label])
            body.insert(rng.randint(0, len(body)), Part(sentence.text, label, sentence.weight))
    body = [Part(add_noise(p.text, rng, config.noise), p.label, p.weight) for p in body]
    if chat:
        return body
    parts = [Part(_fill(rng.choice(GREETINGS), rng))] + body + [Part(_fill(rng.choice(SIGNOFFS), rng))]
    if rng.random() < config.footer_share:
        parts.append(Part(_fill(rng.choice(FOOTERS), rng)))
    if rng.random() < config.quoted_share:
        quoted = rng.choice(CUSTOMER_LINES + [s.text for label in LABEL_IDS for s in problems[label][:3]])
        if rng.random() < 0.5:
            parts.append(Part(_fill(rng.choice(QUOTE_ATTRIBUTIONS), rng) + "\n" + quoted, None))
        else:
            parts.insert(0, Part("> " + quoted, None))
    return parts


def render(parts: list[Part], rng: random.Random) -> tuple[str, list[tuple[int, int, str | None, float]]]:
    """Join parts into text; return the text and each part's (start, end, label, weight)."""
    pieces: list[str] = []
    spans = []
    cursor = 0
    for index, part in enumerate(parts):
        if index:
            sep = "\n\n" if "\n" in part.text or index == len(parts) - 1 or rng.random() < 0.3 else " "
            pieces.append(sep)
            cursor += len(sep)
        pieces.append(part.text)
        spans.append((cursor, cursor + len(part.text), part.label, part.weight))
        cursor += len(part.text)
    return "".join(pieces), spans


def sentence_examples(draft_id: str, text: str, spans: list[tuple[int, int, str | None, float]]) -> list[dict]:
    """Cut a draft into the classifier's examples: sentence, previous sentence as context, labels."""
    masked = mask(text, quoted_ranges(text))
    ranges = sentence_ranges(english()(masked))
    examples = []
    for index, (sentence, context) in scoring_pairs(masked, ranges):
        start, end = ranges[index]
        labels = sorted({label for s, e, label, _ in spans if label and min(end, e) - max(start, s) > (end - start) / 3})
        weight = max([w for s, e, _, w in spans if min(end, e) > max(start, s)] or [1.0])
        examples.append({"draft_id": draft_id, "sentence": sentence, "context": context, "labels": labels, "weight": weight})
    return examples


def generate(
    sentences: list[AuthoredSentence],
    config: GenerateConfig,
    out_dir: Path,
    authored_drafts: Sequence[AuthoredDraft] = (),
) -> dict[str, dict[str, int]]:
    """Write ``{split}_drafts.jsonl`` and ``{split}_sentences.jsonl`` for every split; return counts.

    Hand-written whole drafts of a split follow the composed ones, with ids ``{split}-authored-*``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    sizes = config.drafts or {"train": 2400, "val": 400, "test": 400}
    for split_index, (split, size) in enumerate(sizes.items()):
        rng = random.Random(config.seed * 1000 + split_index)
        pool = [s for s in sentences if s.split == split]
        clean = [s for s in pool if s.label is None]
        problems = {label: [s for s in pool if s.label == label] for label in LABEL_IDS}
        if not clean or not all(problems.values()):
            raise ValueError(f"split {split!r} lacks clean or problem sentences for some label")
        n_sentences = 0
        with (
            open(out_dir / f"{split}_drafts.jsonl", "w", encoding="utf-8") as drafts_file,
            open(out_dir / f"{split}_sentences.jsonl", "w", encoding="utf-8") as sentences_file,
        ):
            for index in range(size):
                draft_id = f"{split}-{index:05d}"
                text, spans = render(compose(rng, config, clean, problems), rng)
                labels = sorted({label for _, _, label, _ in spans if label})
                drafts_file.write(json.dumps({"id": draft_id, "text": text, "labels": labels}, ensure_ascii=False) + "\n")
                for example in sentence_examples(draft_id, text, spans):
                    sentences_file.write(json.dumps(example, ensure_ascii=False) + "\n")
                    n_sentences += 1
            written = [d for d in authored_drafts if d.split == split]
            for draft in written:
                draft_id = f"{split}-authored-{draft.id}"
                record = {"id": draft_id, "text": draft.text, "labels": list(draft.labels)}
                drafts_file.write(json.dumps(record, ensure_ascii=False) + "\n")
                spans = [(start, end, label, config.authored_draft_weight) for start, end, label in draft.spans()]
                spans.append((0, len(draft.text), None, config.authored_draft_weight))  # clean sentences weigh the same
                for example in sentence_examples(draft_id, draft.text, spans):
                    sentences_file.write(json.dumps(example, ensure_ascii=False) + "\n")
                    n_sentences += 1
            # Every authored sentence also appears once on its own, so rare ones are never missed.
            for sentence in pool:
                example = {
                    "draft_id": f"{split}-single",
                    "sentence": sentence.text,
                    "context": "",
                    "labels": [sentence.label] if sentence.label else [],
                    "weight": sentence.weight,
                }
                sentences_file.write(json.dumps(example, ensure_ascii=False) + "\n")
                n_sentences += 1
        counts[split] = {"drafts": size, "authored_drafts": len(written), "sentences": n_sentences}
    return counts
