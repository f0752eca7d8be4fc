"""The spaCy pipeline: blank English, sentence boundaries and lower-case lookup lemmas.

No trained spaCy model is used: everything here works offline and costs well under a
millisecond per 100 words, which keeps the typing path fast.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import IS_SPACE, LEMMA, LOWER
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc


@Language.component("replylint_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: greetings, sign-offs and list items have no full stop.

    Line breaks are always whitespace tokens of their own, so only those are read (``doc.text`` would
    rebuild the whole text token by token, which costs more than the rest of this component).
    """
    for i in np.flatnonzero(doc.to_array(IS_SPACE)).tolist():
        if i + 1 < len(doc) and "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
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
    Stops warming once spaCy's cache is full (``max_cache_size`` chunks), as spaCy stops caching.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.seen: set[str] = set()

    def __call__(self, text: str) -> Doc:
        seen = self.seen
        if len(seen) < self.tokenizer.max_cache_size:
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
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("replylint_line_breaks")
    nlp.add_pipe("replylint_lemmas")
    return nlp
