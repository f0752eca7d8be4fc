"""The spaCy pipeline: blank English, sentence boundaries and lower-case lookup lemmas.

No trained spaCy model is used: everything here works offline and costs well under a
millisecond per 100 words, which keeps the typing path fast.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("replylint_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: greetings, sign-offs and list items have no full stop."""
    for token in doc[:-1]:
        if "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("replylint_lemmas", assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str) -> "LowerLemmatizer":
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
        cache = self.cache
        for token in doc:
            lower = token.lower
            lemma = cache.get(lower)
            if lemma is None:
                text = token.lower_
                found = self.table.get(text)
                lemma = self.strings.add(found.lower() if isinstance(found, str) else text)
                if len(cache) < 200_000:
                    cache[lower] = lemma
            token.lemma = lemma
        return doc


@lru_cache(maxsize=1)
def english() -> Language:
    """The shared pipeline. Built once per process (~0.3 s)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("replylint_line_breaks")
    nlp.add_pipe("replylint_lemmas")
    return nlp
