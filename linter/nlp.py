"""The spaCy pipeline: blank English, sentence boundaries and lower-case lookup lemmas.

No trained spaCy model is used: everything here works offline and costs well under a
millisecond per 100 words, which keeps the typing path fast.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from . import _spacy_without_torch  # noqa: F401  (before spaCy, so thinc leaves torch alone)

# isort: split
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc


@Language.factory("replylint_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> SentenceStarts:
    return SentenceStarts(nlp.vocab.strings)


class SentenceStarts:
    """Sentence starts: spaCy's Sentencizer rule, plus a start after every line break.

    The Sentencizer rule: after a token in ``Sentencizer.default_punct_chars`` (".", "!", "?" ...),
    the next token that is neither punctuation nor one of those starts a sentence. Line breaks start
    one too: greetings, sign-offs and list items have no full stop. Done on whole arrays in one pass
    (spaCy's Sentencizer makes a Token object per token, which costs more than the rule itself);
    the boundaries are exactly those of the Sentencizer followed by the line-break rule.
    """

    def __init__(self, strings) -> None:
        self.strings = strings
        self.punct_chars = frozenset(strings.add(char) for char in Sentencizer.default_punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        length = len(doc)
        if not length:
            return doc
        orths, is_puncts, is_spaces = doc.to_array([ORTH, IS_PUNCT, IS_SPACE]).T.tolist()
        punct_chars, strings = self.punct_chars, self.strings
        starts = [-1] * length  # spaCy's sent_start: 1 starts a sentence, -1 does not
        starts[0] = 1
        start, seen_period = 0, False
        for i, orth in enumerate(orths):
            if orth in punct_chars:
                seen_period = True
            elif seen_period and not is_puncts[i]:
                starts[start] = 1
                start, seen_period = i, False
        starts[start] = 1
        for i, is_space in enumerate(is_spaces):
            # Line breaks are always whitespace tokens of their own.
            if is_space and i + 1 < length and "\n" in strings[orths[i]]:
                starts[i + 1] = 1
        doc.from_array([SENT_START], np.array(starts, dtype=np.int64).view(np.uint64).reshape(-1, 1))
        return doc


@Language.factory("replylint_lemmas", assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str) -> LowerLemmatizer:
    return LowerLemmatizer(nlp.vocab.strings)


class LowerLemmatizer:
    """Sets ``token.lemma_`` from spaCy's English lookup table, keyed on the lower-cased form.

    spaCy's own lookup lemmatizer is case-sensitive ("Contacted" has no entry); rules match on
    lower-case lemmas, so "Contacted", "contacted" and "CONTACTED" all give "contact".
    """

    def __init__(self, strings) -> None:
        from spacy.lookups import load_lookups

        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self.strings = strings
        self.cache: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        # Whole-array reads and writes: creating a Token object per token costs more than the lookup.
        cache = self.cache
        lowers = doc.to_array([LOWER])
        lemmas = np.empty_like(lowers)
        for i, lower in enumerate(lowers.tolist()):
            lemma = cache.get(lower)
            if lemma is None:
                text = self.strings[lower]
                found = self.table.get(text)
                lemma = self.strings.add(found.lower() if isinstance(found, str) else text)
                if len(cache) < 200_000:
                    cache[lower] = lemma
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


class ChunkCachingTokenizer:
    """spaCy's English tokenizer, with its chunk cache actually filled.

    spaCy caches the tokens of each whitespace-separated chunk, but once a text hits a special case
    (a contraction such as "I'm" or "don't", in almost every reply) it caches nothing for the rest
    of that text: its "has special" flag is kept per text, not per chunk (spaCy issue #1250). So a
    chunk not seen before is first tokenized alone, which caches it unless it holds a special case
    itself; the tokens are the same either way, and whole drafts then tokenize about 3x faster.
    Stops warming once spaCy's cache is full (``max_cache_size`` chunks), as spaCy stops caching,
    and inside a memory zone, where spaCy caches nothing (``VocabZones``).
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.seen: set[str] = set()

    def __call__(self, text: str) -> Doc:
        seen = self.seen
        if len(seen) < self.tokenizer.max_cache_size and not self.tokenizer.vocab.in_memory_zone:
            for chunk in text.split():
                if chunk not in seen:
                    seen.add(chunk)
                    self.tokenizer(chunk)
        return self.tokenizer(text)


@lru_cache(maxsize=1)
def english() -> Language:
    """The shared pipeline. Built once per process (~0.3 s)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = ChunkCachingTokenizer(nlp.tokenizer)
    nlp.add_pipe("replylint_sentences")
    nlp.add_pipe("replylint_lemmas")
    return nlp


# spaCy keeps every new word it meets (order numbers, names, typos) in its vocab for good: an API
# worker linting new drafts grew about 5 MB per 1,000 drafts, without end. Once the vocab holds
# VOCAB_BUDGET entries, drafts are parsed inside spaCy memory zones, which forget the words added
# in them when they close. Until then words stay, and spaCy's tokenizer cache fills (it caches
# nothing inside a zone).
VOCAB_BUDGET = 50_000
ZONE_DRAFTS = 1_000  # drafts per zone: then new drafts wait until the ones inside have finished


class VocabZones:
    """One memory zone at a time for all threads that parse with the pipeline.

    spaCy's zones must not nest or overlap: while one is open the vocab stores every new word as
    temporary, and closing it frees them, under any other draft still using them. So the first
    draft to enter opens the zone, later drafts join it, and it closes when the last one leaves;
    after ``ZONE_DRAFTS`` drafts (or, before the first zone, once the vocab reaches its budget) new
    drafts wait until the current ones have left.
    """

    def __init__(self, nlp: Language, budget: int = VOCAB_BUDGET, zone_drafts: int = ZONE_DRAFTS) -> None:
        self.nlp, self.budget, self.zone_drafts = nlp, budget, zone_drafts
        self._changed = threading.Condition()
        self._active = self._joined = 0
        self._zone = None  # the open zone's context manager
        self._draining = False
        self.zones_closed = 0

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._changed:
            while self._draining:
                self._changed.wait()
            over_budget = len(self.nlp.vocab) >= self.budget
            if self._active == 0 and self._zone is None and over_budget:
                self._zone = self.nlp.memory_zone()
                self._zone.__enter__()
            self._active += 1
            self._joined += 1
            if (self._zone is None and over_budget) or self._joined >= self.zone_drafts:
                self._draining = True
        try:
            yield
        finally:
            with self._changed:
                self._active -= 1
                if self._active == 0:
                    if self._zone is not None:
                        zone, self._zone = self._zone, None
                        zone.__exit__(None, None, None)
                        self.zones_closed += 1
                    self._joined = 0
                    self._draining = False
                    self._changed.notify_all()


@lru_cache(maxsize=1)
def vocab_zones() -> VocabZones:
    """The zones of the shared pipeline (``english()``)."""
    return VocabZones(english())
