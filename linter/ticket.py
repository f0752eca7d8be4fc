"""Checks of a draft against its ticket: the stage after the tone findings, run only with a context.

A draft can be fine sentence by sentence and wrong for this customer: addressed to "Dan" when the
customer is Mark, naming Travelocity when the booking was made on Expedia, sent with
``{{ticket.requester.first_name}}`` unrendered, or answering none of what was asked. Each check
reads the draft (quoted customer text already blanked, so only the agent's voice counts) and the
``Context``, and returns findings in the ``context`` category with their own suggestions, which
follow the rewrite's placeholder convention (``[by when]``, ``[answer]``).

Every check is precision-first: when it cannot tell (no customer name, a name written in another
script, no partner in the customer's message) it stays silent. Precision and recall of each check
on ``tests/data/ticket_pairs.jsonl`` are printed by ``python -m linter.context_eval``; a check that
does not reach ``MIN_PRECISION`` there is off by default (``Linter(context_checks=...)`` turns it on).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .context import Context
from .errors import Errors, ReplylintError
from .offsets import OffsetMap
from .report import Finding, Severity, Span
from .rules import PLACEHOLDER
from .slots import WEEKDAYS, extract_slots, strip_accents
from .suggest import TEMPLATES, make_suggestion

WRONG_RECIPIENT = "wrong_recipient"
UNFILLED_PLACEHOLDER = "unfilled_placeholder"
WRONG_PARTNER = "wrong_partner"
NO_NEXT_STEP = "no_next_step"
UNANSWERED_QUESTION = "unanswered_question"
CONTEXT_CHECKS: tuple[str, ...] = (WRONG_RECIPIENT, UNFILLED_PLACEHOLDER, WRONG_PARTNER, NO_NEXT_STEP, UNANSWERED_QUESTION)
MIN_PRECISION = 0.9
# Checks at MIN_PRECISION or better on the ticket pairs (see README, "Checks against the ticket").
DEFAULT_CONTEXT_CHECKS: frozenset[str] = frozenset(CONTEXT_CHECKS)
SEVERITY: dict[str, Severity] = {
    WRONG_RECIPIENT: "error",
    UNFILLED_PLACEHOLDER: "error",
    WRONG_PARTNER: "error",
    NO_NEXT_STEP: "warning",
    UNANSWERED_QUESTION: "warning",
}
REASONS = {
    WRONG_RECIPIENT: "Address the customer of this ticket.",
    UNFILLED_PLACEHOLDER: "Template text must never reach the customer.",
    WRONG_PARTNER: "Name the partner the customer dealt with.",
    NO_NEXT_STEP: "Say what you did or what happens next, who does it and by when.",
    UNANSWERED_QUESTION: "Answer every direct question the customer asked.",
}
NICKNAMES_FILE = Path(__file__).parent / "data" / "nicknames.txt"


def resolve_checks(names: Iterable[str] | None) -> frozenset[str]:
    """The checks to run: ``None`` for the defaults, ``"all"`` or an iterable of check ids."""
    if names is None:
        return DEFAULT_CONTEXT_CHECKS
    if isinstance(names, str):
        names = CONTEXT_CHECKS if names == "all" else [n.strip() for n in names.split(",") if n.strip()]
    chosen = frozenset(names)
    unknown = sorted(chosen - set(CONTEXT_CHECKS))
    if unknown:
        raise ReplylintError(Errors.E008, names=", ".join(unknown), checks=", ".join(CONTEXT_CHECKS))
    return chosen


@dataclass(frozen=True)
class DraftView:
    """What the checks read: the draft, its masked form (quoted customer text blanked, same
    offsets) and its sentence ranges from the spaCy Doc."""

    text: str
    masked: str
    offsets: OffsetMap
    sentences: list[tuple[int, int]]

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.offsets.utf16(start), self.offsets.utf16(end), self.text[start:end])

    def sentence_of(self, start: int, end: int) -> Span:
        for s_start, s_end in self.sentences:
            if s_start <= start < s_end or (start == end == s_end):
                return self.span(s_start, max(s_end, end))
        return self.span(start, end)


class ContextChecker:
    """Runs the enabled context checks; built once per ``Linter``, safe to share across threads.

    ``rule_placeholders`` are the ``[...]`` slots the tone rules' replacements insert: left in a
    draft they are unfilled placeholders, whatever their wording.
    """

    def __init__(self, enabled: Iterable[str] | None = None, rule_placeholders: Iterable[str] = ()) -> None:
        self.enabled = resolve_checks(enabled)
        known = {p for variants in TEMPLATES.values() for v in variants for p in PLACEHOLDER.findall(v)}
        self.rewrite_placeholders = frozenset(_fold(p[1:-1]) for p in (*known, *rule_placeholders))

    def __call__(self, draft: DraftView, context: Context) -> list[Finding]:
        findings: list[Finding] = []
        if WRONG_RECIPIENT in self.enabled:
            findings += wrong_recipient(draft, context)
        if UNFILLED_PLACEHOLDER in self.enabled:
            findings += unfilled_placeholders(draft, context, self.rewrite_placeholders)
        if WRONG_PARTNER in self.enabled:
            findings += wrong_partner(draft, context)
        if NO_NEXT_STEP in self.enabled:
            findings += no_next_step(draft, context)
        if UNANSWERED_QUESTION in self.enabled:
            findings += unanswered_questions(draft, context)
        return findings


def _finding(draft: DraftView, label: str, check: str, start: int, end: int, message: str, suggestion) -> Finding:
    return Finding(
        label=label,
        rule_id=f"context.{label}.{check}",
        severity=SEVERITY[label],
        message=message,
        span=draft.span(start, end),
        sentence=draft.sentence_of(start, end),
        source="rule",
        suggestions=(suggestion,) if suggestion else (),
    )


# -- names ----------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fold(value: str) -> str:
    """Case- and accent-insensitive form: "José" and "jose" compare equal."""
    return strip_accents(value).casefold().replace("’", "'")


def _script(word: str) -> str:
    for ch in word:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            first = name.split(" ")[0]
            return "CJK" if first in ("CJK", "HIRAGANA", "KATAKANA") else first
    return ""


# Scripts that write a full name without spaces: a greeting holds a part of it ("佐藤様", "민준").
_UNSPACED_SCRIPTS = {"CJK", "HANGUL", "THAI"}


@lru_cache(maxsize=1)
def nickname_groups() -> dict[str, frozenset[str]]:
    """Each folded name -> every name that addresses the same person (from ``NICKNAMES_FILE``)."""
    groups: dict[str, set[str]] = {}
    for line in NICKNAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = {_fold(name.strip()) for name in line.split(",") if name.strip()}
        for name in names:
            groups.setdefault(name, set()).update(names)
    return {name: frozenset(group) for name, group in groups.items()}


def _name_parts(name: str) -> list[str]:
    parts = []
    for word in re.findall(r"[^\W\d_][\w'’.-]*", name):
        word = word.strip(".'’-")
        parts.append(_fold(word))
        parts += [_fold(piece) for piece in re.split(r"[-'’]", word) if len(piece) > 1]
    return [p for p in dict.fromkeys(parts) if p]


_SIGN_OFF_NAME = re.compile(r"^[ \t]*([^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*)?)[ \t]*$")


def _signed_names(messages: Iterable[str]) -> list[str]:
    """Names the customer signs with: the last line of a message when it is one or two words."""
    names = []
    for message in messages:
        lines = [line for line in message.strip().splitlines() if line.strip()]
        if len(lines) >= 2:
            match = _SIGN_OFF_NAME.match(lines[-1])
            if match and match.group(1)[0].isupper():
                names.append(match.group(1))
    return names


@lru_cache(maxsize=256)
def _customer_name_parts(customer_name: str, messages: tuple[str, ...]) -> tuple[str, ...]:
    parts = _name_parts(customer_name)
    for signed in _signed_names(messages):
        parts += _name_parts(signed)
    return tuple(dict.fromkeys(parts))


def _is_customer(addressed: str, context: Context) -> bool:
    """Could ``addressed`` be the customer? True when unsure (another script, no name known)."""
    own = _customer_name_parts(context.customer_name or "", tuple(context.customer_messages))
    if not own:
        return True
    word = _fold(addressed)
    script = _script(addressed)
    if all(_script(part) != script for part in own):
        return True  # "Dear 王秀英" for "Wang Xiuying": can't be checked, so not flagged
    groups = nickname_groups()
    for part in own:
        if word == part or word in groups.get(part, ()):
            return True
        if script in _UNSPACED_SCRIPTS and (word in part or part in word):
            return True
        if len(word) >= 3 and len(part) >= 3 and (part.startswith(word) or word.startswith(part)):
            return True  # "Dan" for "Daniel", "Alex" for "Alexandra"
    return False


# Words that follow "Hi"/"Dear" without naming anyone.
_NOT_A_NAME = {
    "there", "all", "everyone", "everybody", "team", "folks", "guys", "friend", "friends", "customer",
    "valued", "sir", "madam", "again", "and", "both", "colleagues", "support", "you", "y'all", "neighbour",
    "neighbor", "member", "traveller", "traveler", "guest", "partner", "client", "user", "shopper",
}  # fmt: skip
_TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof)\.?[ \t]+"
_GREETING = re.compile(
    r"^[ \t]*(?:hi|hello|hey|hiya|dear|greetings|good[ \t]+(?:morning|afternoon|evening))[ \t]+"
    rf"(?P<title>{_TITLE})?(?P<name>[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){{0,2}})[ \t]*(?=[,!:—–]|$)",
    re.I | re.M,
)
# "Thanks again, Rachel," / "Thank you for your patience, Dan." on one line: a vocative in the body
# (a sign-off name stands on its own line).
_VOCATIVE = re.compile(
    r"\b(?:thanks|thank[ \t]+you|sorry|cheers)(?:[ \t]+(?:again|so[ \t]+much|very[ \t]+much|for[ \t]+[^,.!?;:\n]{1,40}))?[ \t]*,[ \t]*"
    r"(?P<name>[^\W\d_][\w'’-]*)(?=[ \t]*[,.!?;])",
    re.I,
)


def wrong_recipient(draft: DraftView, context: Context) -> list[Finding]:
    if not context.customer_name and not _signed_names(context.customer_messages):
        return []
    not_people = {_fold(n) for n in (context.company, *context.partners) if n}
    findings = []
    for pattern, check in ((_GREETING, "greeting"), (_VOCATIVE, "vocative")):
        for match in pattern.finditer(draft.masked):
            words = match.group("name").split()
            first = words[0]
            if _fold(first) in _NOT_A_NAME or _fold(match.group("name")) in not_people or _fold(first) in not_people:
                continue
            if first[0].isalpha() and first[0].lower() != first[0].upper() and not first[0].isupper():
                continue  # "hi again", "hello and welcome": a cased word in lower case is no name
            if any(_is_customer(word, context) for word in words):
                continue
            start = match.start("name")
            end = start + len(first) if check == "vocative" or len(words) == 1 else match.end("name")
            has_title = check == "greeting" and bool(match.group("title"))
            right = _address_name(context, surname=has_title)
            message = (
                f'The draft addresses "{draft.text[start:end]}", but this ticket\'s customer is {context.customer_name or right}: '
                'they hear "a form letter meant for someone else".'
            )
            suggestion = make_suggestion(right, draft.span(start, end), REASONS[WRONG_RECIPIENT]) if right else None
            findings.append(_finding(draft, WRONG_RECIPIENT, check, start, end, message, suggestion))
    return findings


def _address_name(context: Context, *, surname: bool) -> str:
    """How to address the customer: the name they sign with, else the first (or, after a title, the last) part."""
    signed = _signed_names(context.customer_messages)
    if signed and not surname:
        return signed[-1]
    words = (context.customer_name or "").split()
    if not words:
        return signed[-1] if signed else ""
    return words[-1] if surname else words[0]


# -- placeholders ---------------------------------------------------------------------------

_HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "body", "br", "code", "div", "em", "font", "h1", "h2", "h3", "h4", "head",
    "hr", "html", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# Words that make a bracketed phrase a slot to fill rather than an aside ("[sic]", "[1]").
_SLOT_WORDS = {
    "name", "first", "last", "customer", "client", "agent", "company", "date", "time", "when", "who", "what",
    "where", "number", "amount", "price", "insert", "link", "url", "email", "address", "phone", "order", "ticket",
    "product", "team", "department", "here", "x", "tbd", "placeholder", "value", "reason", "details", "signature",
    "tracking", "reference", "account", "day", "deadline", "eta", "fill", "todo",
}  # fmt: skip
_NOT_SLOTS = {"external", "ext", "sic", "caution", "urgent", "spam", "eom", "nb"}
_TEMPLATE_TAG = re.compile(
    r"\{\{\{?[^{}\n]{1,80}\}\}\}?|\{%[^{}\n]{1,80}%\}|\$\{[^{}\n]{1,40}\}|\*\|[A-Za-z0-9_:]{1,40}\|\*"
    r"|%[A-Z][A-Z0-9_]{1,30}%|\[\[[^\[\]\n]{1,40}\]\]|(?<![{\w])\{[A-Za-z_][\w.]{0,40}\}(?!\})|<<[^<>\n]{1,40}>>"
)
_BRACKET = re.compile(r"(?<!\[)\[(?P<inner>[^\[\]\n]{1,40})\](?![\](])")
_ANGLE = re.compile(r"<(?P<inner>[A-Za-z_][A-Za-z_ ]{0,38}[A-Za-z_]|[A-Za-z_])>")
_FILLER = re.compile(
    r"(?<![\w$#])(?:[$€£]\s?[Xx]{1,}(?:[.,][Xx]{2})?|#[Xx]{3,}|[Xx]{2}(?:[/.:-][Xx]{2,4})+|X{3,}|x{3,})(?![\w])"
    r"|\b(?:TBD|TBC|TODO|FIXME)\b"
)
# "Hi ," : the helpdesk rendered an empty name field ("Hi," alone is an ordinary greeting).
_EMPTY_NAME = re.compile(r"^[ \t]*(?:hi|hello|hey|dear)[ \t]+(?=,)", re.I | re.M)


def unfilled_placeholders(draft: DraftView, context: Context, rewrite_placeholders: frozenset[str]) -> list[Finding]:
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, check: str) -> None:
        if not any(s < end and start < e for s, e in taken):
            found.append((start, end, check))
            taken.append((start, end))

    masked = draft.masked
    for match in _TEMPLATE_TAG.finditer(masked):
        add(match.start(), match.end(), "template_tag")
    for match in _BRACKET.finditer(masked):
        if _is_slot(match.group("inner"), rewrite_placeholders):
            add(match.start(), match.end(), "bracket")
    for match in _ANGLE.finditer(masked):
        inner = match.group("inner").strip()
        if inner.lower() not in _HTML_TAGS:
            add(match.start(), match.end(), "angle")
    for match in _FILLER.finditer(masked):
        add(match.start(), match.end(), "filler")
    for match in _EMPTY_NAME.finditer(masked):
        add(match.start(), match.end() + 1, "empty_name")
    findings = []
    for start, end, check in sorted(found):
        text = draft.text[start:end]
        if check == "empty_name":
            greeting = text[:-1].rstrip()
            value = _address_name(context, surname=False)
            replacement = f"{greeting} {value}," if value else f"{greeting} there,"
            message = 'The greeting lost its name when the template was rendered: the customer sees "' + text + '".'
        else:
            value = _fill_value(text, context)
            replacement = value or "[" + _slot_words(text) + "]"
            message = f'"{text}" is template text the customer would see as it is; fill it in before sending.'
        suggestion = make_suggestion(replacement, draft.span(start, end), REASONS[UNFILLED_PLACEHOLDER])
        findings.append(_finding(draft, UNFILLED_PLACEHOLDER, check, start, end, message, suggestion))
    return findings


def _is_slot(inner: str, rewrite_placeholders: frozenset[str]) -> bool:
    folded = _fold(inner.strip())
    if folded in rewrite_placeholders:
        return True
    if folded in _NOT_SLOTS or re.search(r"[\d:/@#=]", inner):
        return False  # "[1]", "[image: logo.png]", "[#48213]", "[sic]"
    words = re.findall(r"[a-z]+", folded)
    if not words or len(words) > 5:
        return False
    letters = re.sub(r"[^A-Za-z]", "", inner)
    return (len(letters) >= 2 and letters.isupper()) or any(word in _SLOT_WORDS for word in words)


def _slot_words(text: str) -> str:
    """A readable name for a slot: "{{ticket.requester.first_name}}" -> "first name", "*|FNAME|*" -> "first name"."""
    inner = re.sub(r"\|.*", "", text.strip("{}%$*|[]<> ")).strip()  # drop filters: "first_name | fallback"
    words = [w for w in re.split(r"[^A-Za-z]+", inner.split(".")[-1]) if w]
    phrase = " ".join(words).lower()
    phrase = {"fname": "first name", "lname": "last name"}.get(phrase, phrase)
    if not phrase or set(phrase) <= {"x"} or phrase in ("tbd", "tbc", "todo", "fixme"):
        return "amount" if text[:1] in "$€£" else "the real value"
    return phrase


def _fill_value(text: str, context: Context) -> str | None:
    """The value a name-like slot stands for, when the context knows it."""
    folded = _fold(text)
    if re.search(r"agent|current_user|assignee|staff|signature|your name|my name", folded):
        return context.agent_name
    if re.search(r"compan|brand|business", folded):
        return context.company
    if re.search(r"name|fname|customer|requester|client|contact", folded):
        return _address_name(context, surname="last" in folded or "lname" in folded) or None
    return None


# -- partners -------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _partner_pattern(name: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(word) for word in name.split())
    # An all-capitals name ("UPS", "SWISS") only matches in capitals: "ups and downs", "Swiss cheese".
    flags = 0 if name.isupper() else re.I
    return re.compile(rf"(?<![\w.@/-]){body}(?![\w@/]|\.\w)", flags)


def _mentions(text: str, name: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _partner_pattern(name).finditer(text)]


def wrong_partner(draft: DraftView, context: Context) -> list[Finding]:
    partners = [p for p in dict.fromkeys(context.partners) if p.strip()]
    if len(partners) < 2 or not context.customer_messages:
        return []
    said = [p for p in partners if any(_mentions(message, p) for message in context.customer_messages)]
    if not said or any(_mentions(draft.masked, p) for p in said):
        return []  # the customer named none, or the draft names theirs too (a second partner is deliberate)
    right = " or ".join(said)
    findings = []
    for partner in partners:
        if partner in said:
            continue
        for start, end in _mentions(draft.masked, partner):
            message = f'The customer wrote about {right}, but the draft names {partner}: they hear "you didn\'t read my message".'
            suggestion = make_suggestion(said[0], draft.span(start, end), REASONS[WRONG_PARTNER])
            findings.append(_finding(draft, WRONG_PARTNER, "other_partner", start, end, message, suggestion))
    return findings


# -- what the customer asked for ------------------------------------------------------------

# The customer reports a problem or asks for something: the reply owes them an action or a next step.
_ASKS = re.compile(
    r"\b(?:please|can you|could you|would you|can i|could i|can we|i need|we need|i'd like|i would like|i want|"
    r"refund|replace|replacement|fix|cancel|help|exchange)\b"
    r"|\b(?:not working|doesn't work|does nothing|broken|broke|damaged|torn|missing|lost|stolen|leak\w*|"
    r"never (?:arrived|came|showed)|(?:hasn't|has not|didn't|did not|haven't|wasn't|isn't|won't|can't|cannot|couldn't)\b|"
    r"late|wrong|charged|twice|overcharged|error|crash\w*|down|closed|declined|locked out|stuck|still no|still not|"
    r"cold|delayed|delay|estimated|failed|fails|dropping|drops|dropped|slow|outage|faulty|defective|keeps)\b",
    re.I,
)
_NEVER_MIND = re.compile(r"\b(?:all good|never ?mind|no longer need|sorted now|it's sorted|resolved now|ignore my)\b", re.I)
_PAST_PARTICIPLE = (
    r"(?:\w+ed|sent|made|put|set|got|gotten|taken|given|found|done|paid|written|spoken|run|kept|told|rung|built|"
    r"shown|brought|bought|sought|dealt|held|left|lent|met|sold|split|spent|upheld)"
)
_NEXT_STEP = re.compile(
    # I / we did something: "I've refunded", "we have escalated", "I just called"
    rf"\b(?:i|we)(?:'ve|\s+have|\s+had)?(?:\s+(?:just|already|now|also|since|personally))*\s+(?!been\b|had\b){_PAST_PARTICIPLE}\b"
    # anyone has done it: "our engineers have moved", "the refund has been issued"
    rf"|\b(?:has|have|was|were|is|are)\s+(?:now\s+|already\s+|just\s+)?(?:been\s+)?(?!used\b|based\b|set by\b|listed\b|designed\b|concerned\b|interested\b|located\b|supposed\b|included\b|closed\b){_PAST_PARTICIPLE}\b(?!\s+by\s+(?:our\s+)?partner)"
    # a commitment or what happens next: "I'll call", "it will arrive", "you'll get", "should reach you"
    r"|\b(?:will|'ll|shall|going to)\b"
    r"|\bshould\s+(?:now\s+)?(?:arrive|reach|appear|show|load|work|be back|be with you|land)\b"
    r"|\b(?:is|are|'s)\s+(?:already\s+)?(?:on (?:its|their|the) way|out for delivery|waiting|due|rolling out|available now|ready)\b"
    r"|\b(?:next step|here's what|here is what)\b"
    # steps the customer can take themselves: "Go to Settings > ...", "update the app"
    r"|(?:^|[,;:]\s*|\bjust\s+)(?:please\s+)?(?:go to|click|tap|open|select|choose|update|restart|refresh|clear|log in|"
    r"sign in|try|enter|reset|install|reinstall|download|print|drop|keep|text|use)\b"
    r"|\b(?:could|can) you (?:send|share|confirm|tell|let me know)\b"
    # a permission granted is an answer the customer can act on: "you can pay at check-in"
    r"|\b(?:you|they) can (?!not\b|only\b)[a-z]+"
    r"|^(?:done|sorted|fixed)\b",
    re.I,
)


@lru_cache(maxsize=256)
def _customer_asks(messages: tuple[str, ...]) -> bool:
    """The customer reported a problem or asked for something (and did not take it back)."""
    messages = tuple(m for m in messages if m.strip())
    return bool(messages) and not _NEVER_MIND.search(messages[-1]) and any(_ASKS.search(m) for m in messages)


def _agent_sentences(draft: DraftView) -> list[tuple[int, int]]:
    """Sentences of the agent's own text (quoted text is blank in ``masked``)."""
    return [(s, e) for s, e in draft.sentences if draft.masked[s:e].strip()]


def _body_sentences(draft: DraftView) -> list[tuple[int, int]]:
    """Agent sentences of three or more words: not the greeting, not the sign-off."""
    return [(s, e) for s, e in _agent_sentences(draft) if len(re.findall(r"[^\W\d_]{2,}", draft.masked[s:e])) >= 3]


def no_next_step(draft: DraftView, context: Context) -> list[Finding]:
    if not _customer_asks(tuple(context.customer_messages)):
        return []
    sentences = _agent_sentences(draft)
    if not sentences or any(_NEXT_STEP.search(draft.masked[s:e].strip()) for s, e in sentences):
        return []
    body = _body_sentences(draft) or sentences
    start, end = body[-1]
    replacement = draft.text[start:end] + " I'll [next step] and update you by [by when]."
    message = (
        "The customer reported a problem or asked for something, but no sentence says what was done or what "
        'happens next: they hear "wait and hope".'
    )
    suggestion = make_suggestion(replacement, draft.span(start, end), REASONS[NO_NEXT_STEP])
    return [_finding(draft, NO_NEXT_STEP, "no_action", start, end, message, suggestion)]


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_RHETORICAL = re.compile(
    r"^(?:is this how|are you (?:serious|kidding)|seriously|really|what kind of|how (?:hard|difficult) (?:can|is)|"
    r"why (?:is|does) (?:it|this) (?:always|so)|how is this (?:ok|okay|acceptable)|hello|anyone there|is anyone)\b",
    re.I,
)
_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "anyone",
        "anything",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "getting",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "it",
        "it's",
        "its",
        "just",
        "know",
        "let",
        "like",
        "may",
        "me",
        "might",
        "mine",
        "more",
        "most",
        "much",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "ok",
        "okay",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "please",
        "possible",
        "really",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "someone",
        "something",
        "still",
        "such",
        "sure",
        "take",
        "than",
        "thank",
        "thanks",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "though",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "usually",
        "very",
        "want",
        "was",
        "way",
        "we",
        "were",
        "what",
        "whatever",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "yes",
        "yet",
        "you",
        "your",
        "yours",
        "able",
        "help",
        "issue",
        "problem",
        "question",
        "thought",
        "second",
        "first",
        "new",
        "next",
        "last",
        "come",
        "go",
    ]
)
_TIME_WORDS = frozenset(
    [
        "today",
        "tomorrow",
        "tonight",
        "yesterday",
        "morning",
        "afternoon",
        "evening",
        "night",
        "week",
        "weeks",
        "weekend",
        "month",
        "months",
        "year",
        "years",
        "day",
        "days",
        "hour",
        "hours",
        "minute",
        "minutes",
        *WEEKDAYS,
        "soon",
        "later",
        "time",
    ]
)
_TIME_QUESTION = re.compile(r"\b(?:when|how long|how soon|what time|by when|how many days)\b", re.I)
_AMOUNT_QUESTION = re.compile(r"\b(?:how much|what(?:'s| is| would be) the (?:price|cost|fee|charge)|how many)\b", re.I)
_TIME_EXPRESSION = re.compile(
    r"\b(?:today|tomorrow|tonight|this (?:morning|afternoon|evening|week)|next (?:week|month)|within|"
    r"\d+\s*(?:-|to)?\s*\d*\s*(?:business |working )?(?:minutes?|hours?|days?|weeks?|months?)|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{1,2}(?::\d{2})?\s?(?:am|pm)|noon|right away|immediately|now)\b",
    re.I,
)


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    word = _fold(word).removesuffix("'s")
    if len(word) > 4:
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix):
                word = word[: -len(suffix)]
                if suffix != "s" and len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                    word = word[:-1]  # "skipped" -> "skip", but "called" -> "call"
                break
    return word[:6]


def _keys(text: str) -> tuple[set[str], set[str]]:
    """A question's content stems and its time words, without function words."""
    content, time = set(), set()
    for word in re.findall(r"[^\W_][\w'-]*[^\W_]|[^\W_]", text):
        folded = _fold(word).removesuffix("'s")
        if folded in _TIME_WORDS:
            time.add(folded)
        elif folded not in _STOPWORDS and (len(folded) >= 3 or any(ch.isdigit() for ch in folded)):
            content.add(_stem(word))
    return content, time


@lru_cache(maxsize=256)
def customer_questions(messages: tuple[str, ...]) -> tuple[str, ...]:
    """The direct questions in the customer's messages, as written (cached: a ticket's messages
    stay the same while the agent types)."""
    questions = []
    for message in messages:
        for match in _SENTENCE.finditer(message):
            question = match.group(0).strip()
            if question.endswith("?") and any(ch.isalnum() for ch in question) and not _RHETORICAL.match(question):
                questions.append(question)
    return tuple(questions)


def _answered(question: str, draft_stems: set[str], agent_text: str, has_amount: bool) -> bool:
    content, time = _keys(question)
    typed_time = bool(_TIME_QUESTION.search(question))
    typed_amount = bool(_AMOUNT_QUESTION.search(question))
    if len(content) + len(time) + typed_time + typed_amount < 2:
        return True  # "Can you send one?", "Is there an outage?": too little to judge
    has_time = bool(_TIME_EXPRESSION.search(agent_text))
    if typed_time and not has_time:
        return False
    if typed_amount and not has_amount:
        return False
    if not content:
        return has_time or not time
    if len(content & draft_stems) >= (1 if len(content) <= 3 else 2):
        return True
    # A short question about when is answered by a time: "When will it arrive?", "Can someone fix it this week?"
    return len(content) <= 1 and (typed_time or bool(time)) and has_time


def unanswered_questions(draft: DraftView, context: Context) -> list[Finding]:
    questions = customer_questions(tuple(context.customer_messages))
    if not questions:
        return []
    agent_text = draft.masked
    draft_stems = {_stem(word) for word in re.findall(r"[^\W_][\w'-]*[^\W_]|[^\W_]", agent_text)}
    has_amount = any(_AMOUNT_QUESTION.search(q) for q in questions) and (
        any(slot.kind in ("money", "number") for slot in extract_slots(agent_text))
        or bool(re.search(r"\b(?:free|no charge|no cost)\b", agent_text, re.I))
    )
    body = _body_sentences(draft) or _agent_sentences(draft)
    if not body:
        return []
    start, end = body[0]
    findings = []
    for question in questions:
        if _answered(question, draft_stems, agent_text, has_amount):
            continue
        asked = re.sub(r"^(?:also|and|but|so|oh|ok|okay)\b[,]?\s*", "", question, flags=re.I)
        asked = asked[:1].upper() + asked[1:]
        replacement = draft.text[start:end] + f' You asked: "{asked}" [answer].'
        message = f'The customer asked "{question}", and no sentence of the draft answers it.'
        suggestion = make_suggestion(replacement, draft.span(start, end), REASONS[UNANSWERED_QUESTION])
        findings.append(_finding(draft, UNANSWERED_QUESTION, "direct_question", start, end, message, suggestion))
    return findings
