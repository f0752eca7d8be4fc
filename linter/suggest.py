"""Customer-first replacements for findings, built from the label's rewrite direction and the
facts the draft already states.

Every finding gets a replacement for its sentence. Whatever only the agent knows (a time, a name,
the next step) is a visible placeholder such as ``[by when]``: the tool never promises anything on
the company's behalf. Facts in the replaced sentence that the template does not use are carried
over, so a rewrite never drops a name, number, date or id.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .offsets import OffsetMap
from .report import Finding, Span, Suggestion
from .rules import PLACEHOLDER
from .slots import FACT_KINDS, Slot

# Variants from fullest to shortest; {partner} and {about} are filled from the draft.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "deflects_ownership": (
        "I'll contact {partner} myself{about} and update you by [by when]. Meanwhile, can I [solve your original need]?",
        "I'll contact {partner} myself{about} and update you by [by when].",
        "I'll contact {partner}{about} for you.",
    ),
    "process_over_customer": (
        "I've logged this for you{about}, and I'll update you by [by when].",
        "I've logged this for you{about}.",
        "I've logged this{about}.",
    ),
    "closes_the_door": (
        "If you need anything else{about}, just reply here: [who] reads every reply and will answer by [by when].",
        "Reply here{about} and [who] will answer by [when].",
        "Reply here{about} any time.",
    ),
    "blames_customer": (
        "I'm sorry this happened{about}; here's what went wrong: [neutral cause], and I'll [fix] by [by when].",
        "I'm sorry about this{about}; I'll [fix] by [by when].",
        "I'll [fix] this{about}.",
    ),
    "shifts_burden": (
        "I'll look into this myself{about} and update you by [by when]; I'll only ask you for what I can't find myself.",
        "I'll look into this myself{about} and update you by [by when].",
        "I'll handle this{about}.",
    ),
    "dismisses_problem": (
        "I believe you{about}, so I've escalated this to [team], who will update you by [by when].",
        "I've escalated this{about} to [team]; I'll update you by [by when].",
        "I've escalated this{about}.",
    ),
    "condescending": (
        "Sorry, I should have been clearer{about}: [plain restatement].",
        "Sorry for any confusion on my part{about}: [plain restatement].",
        "[Plain restatement]{about}.",
    ),
    "vague_commitment": (
        "[Who] will [next step]{about} by [by when], and I'll update you by then even if nothing has changed.",
        "[Who] will [next step]{about} by [by when].",
        "[Who] will [act]{about} by [when].",
    ),
}
REASONS = {
    "deflects_ownership": "Own it: act on the customer's behalf instead of sending them elsewhere.",
    "process_over_customer": "Handle the problem first; mention the process, if at all, as an option for next time.",
    "closes_the_door": "Keep the channel open and say who will read it and when.",
    "blames_customer": "State the cause neutrally, take the company's share, move to the fix.",
    "shifts_burden": "Do the legwork yourself; ask only for what only the customer has.",
    "dismisses_problem": "Believe the customer, escalate, and say what happens next.",
    "condescending": "Restate plainly, without judging the reader.",
    "vague_commitment": "Name who does what by when.",
}
_PARTNER_KINDS = ("name", "department")
_WHEN_KINDS = ("date", "time", "money", "number")
_GREETING_PREFIX = re.compile(
    r"^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^,.!?\n]{0,40}[,!]|thanks?(?: you)?[^,.!?\n]{0,40}[,!])\s*",
    re.I,
)


def replacement_range(text: str, sentence: Span) -> tuple[int, int]:
    """The part of a sentence a replacement stands in for: not a leading greeting ("Hi Mark, ...")."""
    prefix = _GREETING_PREFIX.match(text, sentence.start, sentence.end)
    start = prefix.end() if prefix and prefix.end() < sentence.end else sentence.start
    return start, sentence.end


def fill(label: str, variant: int, sentence_slots: list[Slot], draft_slots: list[Slot], kept_elsewhere: set[str]) -> str:
    """One template variant, with the partner and any facts that would otherwise be lost.

    ``sentence_slots`` are the facts of the text being replaced (one or more sentences).
    """
    template = TEMPLATES[label][min(variant, len(TEMPLATES[label]) - 1)]
    partner = _partner(sentence_slots, draft_slots) if "{partner}" in template else None
    used = {partner} if partner else set()
    carried = [s for s in sentence_slots if s.kind in FACT_KINDS and s.text not in used and s.text not in kept_elsewhere]
    names = list(dict.fromkeys(s.text for s in carried if s.kind not in _WHEN_KINDS))
    when = list(dict.fromkeys(s.text for s in carried if s.kind in _WHEN_KINDS))
    about = (" about " + _join(names) if names else "") + (" (re: " + _join(when) + ")" if when else "")
    text = template.replace("{partner}", partner or "[who]").replace("{about}", about)
    return text[0].upper() + text[1:]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def add_suggestions(text: str, offsets: OffsetMap, findings: list[Finding], slots: list[Slot]) -> list[Finding]:
    """Give every finding a sentence replacement (first) besides any the rule itself offers."""
    out = []
    for finding in findings:
        start, end = replacement_range(text, finding.sentence)
        sentence_slots = [s for s in slots if start <= s.start and s.end <= end]
        kept = {s.text for s in slots if s.end <= start or s.start >= end}
        replacement = fill(finding.label, 0, sentence_slots, slots, kept)
        span = Span(start, end, offsets.utf16(start), offsets.utf16(end), text[start:end])
        suggestions = [make_suggestion(replacement, span, REASONS[finding.label])]
        partner = _partner(sentence_slots, slots)
        for own in finding.suggestions:
            filled = _fill_partner(own.replacement, partner) if partner else own.replacement
            if filled != replacement:
                suggestions.append(make_suggestion(filled, own.span, REASONS[finding.label]))
        out.append(replace(finding, suggestions=tuple(suggestions)))
    return out


def _partner(sentence_slots: list[Slot], draft_slots: list[Slot]) -> str | None:
    """The partner or department the sentence names, else the first one the draft names."""
    return next((s.text for s in sentence_slots if s.kind in _PARTNER_KINDS), None) or next(
        (s.text for s in draft_slots if s.kind in _PARTNER_KINDS), None
    )


_PARTNER_PLACEHOLDER = re.compile(r"\[(p)artner\]", re.I)


def _fill_partner(replacement: str, partner: str) -> str:
    """Rules write ``[partner]`` or, opening a sentence, ``[Partner]``; both take the draft's partner."""
    return _PARTNER_PLACEHOLDER.sub(lambda m: partner[:1].upper() + partner[1:] if m.group(1) == "P" else partner, replacement)


def make_suggestion(replacement: str, span: Span, reason: str) -> Suggestion:
    """A replacement for ``span``, with the placeholders it leaves for the agent to fill."""
    placeholders = tuple(dict.fromkeys(PLACEHOLDER.findall(replacement)))
    description = reason + (" Fill in " + ", ".join(placeholders) + " before sending." if placeholders else "")
    return Suggestion(replacement=replacement, span=span, description=description, placeholders=placeholders)
