"""Facts a draft already states, for rewrites to reuse and to keep: names, partners, departments,
dates, times, amounts, ids, emails and URLs. Works on the blank spaCy pipeline: regular expressions
for the shaped facts, capitalised token runs for names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]", re.I)),
    ("money", re.compile(r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|dollars|euros|pounds)\b)", re.I)),
    (
        "date",
        re.compile(
            rf"\b(?:{_DAYS},?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b(?:\s+\d{{4}})?|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
            rf"|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|{_DAYS})\b",
            re.I,
        ),
    ),
    (
        "time",
        re.compile(r"\b(?:\d{1,2}(?::\d{2})?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)|\d{1,2}:\d{2}\b|noon\b|midday\b|midnight\b)", re.I),
    ),
    (
        "id",
        re.compile(
            r"(?:#\s?[A-Z0-9-]{3,}|\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b|\b[A-Z]{2,}\d{3,}\b|\b\d{5,}\b)"
        ),
    ),
    ("number", re.compile(r"\b\d+(?:[.,]\d+)?\b")),
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Words that start sentences or greetings in capitals but name nobody.
_NOT_NAMES = {
    "i",
    "i'm",
    "i've",
    "i'll",
    "i'd",
    "we",
    "you",
    "your",
    "our",
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "hi",
    "hello",
    "hey",
    "someone",
    "somebody",
    "everyone",
    "everybody",
    "anyone",
    "anybody",
    "nobody",
    "no",
    "that's",
    "it's",
    "there's",
    "here's",
    "what's",
    "let's",
    "he's",
    "she's",
    "we're",
    "we'll",
    "we've",
    "we'd",
    "you're",
    "you'll",
    "you've",
    "they're",
    "they'll",
    "it'll",
    "dear",
    "thanks",
    "thank",
    "regards",
    "best",
    "kind",
    "cheers",
    "please",
    "sorry",
    "unfortunately",
    "however",
    "if",
    "as",
    "in",
    "on",
    "at",
    "for",
    "to",
    "from",
    "by",
    "and",
    "but",
    "so",
    "it",
    "there",
    "here",
    *WEEKDAYS,
    "customer",
    "support",
    "team",
    "mr",
    "mrs",
    "ms",
    "dr",
    "good",
    "morning",
    "afternoon",
    "evening",
    "warm",
    "sincerely",
    "ok",
    "okay",
    "yes",
    "just",
    "also",
    "when",
    "what",
    "why",
    "how",
    "my",
    "me",
    "they",
    "he",
    "she",
    "let",
    "once",
    "all",
    "any",
    "note",
    "re",
}
_DEPARTMENTS = re.compile(
    r"\b(?:(?:the|our|your)\s+)?(?:billing|accounts?|finance|shipping|returns|warehouse|technical|tech|(?-i:IT)|legal|claims|"
    r"engineering|sales|delivery|dispatch|maintenance|support|customer relations|complaints|fraud|security|payments?|"
    r"body shop|carrier|courier|manufacturer|landlord|bank|airline|insurer|supplier|vendor|partner|third[- ]party)"
    r"(?:\s+(?:team|department|dept|desk|office|provider|company|service))?\b",
    re.I,
)
_GREETING_LINE = re.compile(r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|thanks?)\b[^,.!?]{0,40},$", re.I)
_GREETING_NAME = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\s+(?:mr\.?\s+|mrs\.?\s+|ms\.?\s+|dr\.?\s+)?([^\W\d_][\w'’-]*)",
    re.I | re.M,
)


@dataclass(frozen=True)
class Slot:
    kind: str  # email, url, money, date, time, id, number, name, department, customer
    text: str
    start: int
    end: int


def extract_slots(text: str) -> list[Slot]:
    """Every fact in ``text``, longest first where two overlap, in text order."""
    return list(_extract_slots(text))


@lru_cache(maxsize=256)  # suggestions and the whole-draft rewrite both ask for the same draft's facts
def _extract_slots(text: str) -> tuple[Slot, ...]:
    found: list[Slot] = []
    taken = bytearray(len(text))  # 1 where a slot already covers the character

    def add(kind: str, start: int, end: int) -> None:
        if end > start and taken.find(1, start, end) == -1:
            found.append(Slot(kind, text[start:end], start, end))
            taken[start:end] = b"\x01" * (end - start)

    has_digit = _DIGIT.search(text) is not None
    for kind, pattern in _PATTERNS:
        if not _may_match(kind, text, has_digit):
            continue
        for match in pattern.finditer(text):
            add(kind, match.start(), match.end())
    greeting = _GREETING_NAME.search(text)
    if greeting and greeting.group(1).lower() not in _NOT_NAMES:
        add("customer", greeting.start(1), greeting.end(1))
    for start, end in _capitalised_runs(text):
        add("name", start, end)
    for match in _DEPARTMENTS.finditer(text):
        add("department", match.start(), match.end())
    return tuple(sorted(found, key=lambda slot: slot.start))


_DIGIT = re.compile(r"\d")


def _may_match(kind: str, text: str, has_digit: bool) -> bool:
    """False when the kind's pattern cannot match: it needs a character the text lacks (a quick test
    here costs far less than the pattern's scan of the whole draft)."""
    if kind == "email":
        return "@" in text
    if kind == "url":
        return "://" in text or "www." in text.lower()
    if kind in ("money", "number"):
        return has_digit
    return True


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Every form and lemma in spaCy's English lookup table: a capitalised sentence-initial word
    found here ("Email", "Call") is an ordinary word, one not found ("Expedia") is a name."""
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    words = set()
    for key, value in table.items():
        words.add(str(value).lower())
        if isinstance(key, str):
            words.add(key.lower())
    return frozenset(words)


def strip_accents(text: str) -> str:
    """``text`` without combining marks after NFKD: "José" -> "Jose" (case is left alone)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _plain_word(word: str) -> str:
    """The word as the word lists hold it: lower case, straight apostrophes, no accents ("Héllo")."""
    return strip_accents(word.lower().strip(".").replace("’", "'"))


_CAPITALISED_RUN = re.compile(r"(?<![\w@/.])(?:[A-Z][\w&'’.-]*[\w]|[A-Z])(?:[ \t]+(?:of[ \t]+|&[ \t]+)?[A-Z][\w&'’.-]*[\w])*")


def _capitalised_runs(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words that are not just the first word of a sentence or line."""
    runs = []
    for match in _CAPITALISED_RUN.finditer(text):
        words = match.group(0).split()
        start = match.start()
        before = start  # end of the text before the run, spaces and tabs skipped (no copy of the prefix)
        while before and text[before - 1] in " \t":
            before -= 1
        line_start = text.rfind("\n", 0, before) + 1
        sentence_start = not before or text[before - 1] in '.!?\n:;"“>-' or bool(_GREETING_LINE.match(text[line_start:before]))
        if sentence_start:
            first = _plain_word(words[0])
            if first in _NOT_NAMES or (len(words) == 1 and first in _english_words()):
                words = words[1:]
                if not words:
                    continue
                start = match.start() + match.group(0).index(words[0])
        if all(_plain_word(w) in _NOT_NAMES for w in words):
            continue
        end = start + len(" ".join(words)) if " ".join(words) == text[start : start + len(" ".join(words))] else match.end()
        runs.append((start, min(end, match.end())))
    return runs


FACT_KINDS = ("email", "url", "money", "date", "time", "id", "number", "name", "customer")


def facts(text: str) -> list[str]:
    """The facts a rewrite must keep, as strings."""
    return [slot.text for slot in extract_slots(text) if slot.kind in FACT_KINDS]
