"""Sentences of the agent's own text, as the classifier sees them (shared by training and runtime)."""

from __future__ import annotations

import re

from . import _spacy_without_torch  # noqa: F401  (before spaCy, so thinc leaves torch alone)

# isort: split
from spacy.tokens import Doc

from .rules import PLACEHOLDER

_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 3  # "Hi Mark,", "Best," and "Thanks!" carry no tone problem worth a model call


def sentence_ranges(doc: Doc, text: str | None = None) -> list[tuple[int, int]]:
    """Character ranges of the Doc's sentences, trimmed of surrounding whitespace; blank ones dropped.

    ``text`` is ``doc.text`` when the caller has it (spaCy rebuilds ``doc.text`` token by token).
    """
    if text is None:
        text = doc.text
    ranges = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            ranges.append((start, end))
    return ranges


def is_scorable(sentence: str) -> bool:
    # A sentence still holding a placeholder ("[by when]") is a template the agent has yet to
    # finish: it is judged once filled in (rules still run on it meanwhile).
    return len(_WORD.findall(sentence)) >= MIN_WORDS and not PLACEHOLDER.search(sentence)


def model_input(masked_text: str, start: int, end: int) -> str:
    """The classifier's view of a sentence: quoted parts already blanked, whitespace folded."""
    return " ".join(masked_text[start:end].split())


def scoring_pairs(masked_text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, tuple[str, str]]]:
    """(index into ranges, (sentence, previous scored sentence)) for every sentence worth scoring.

    The context is the previous sentence that is itself scored, so its embedding is already at
    hand ("Hi Mark," carries no context worth a model call).
    """
    pairs = []
    previous = ""
    for index, (start, end) in enumerate(ranges):
        sentence = model_input(masked_text, start, end)
        if is_scorable(sentence):
            pairs.append((index, (sentence, previous)))
            previous = sentence
    return pairs
