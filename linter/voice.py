"""Find the parts of a draft that are not the agent's voice: quoted customer text.

Quoted text is blanked out (same length, so offsets stay exact) before the draft is analysed:
- lines starting with ``>`` (email quoting),
- everything after an attribution line such as "On Tue, 3 Mar 2026, Dana <d@x.com> wrote:" or
  an Outlook "-----Original Message-----" / "From: ... Sent: ..." header,
- text the agent attributes to the customer in quotes: ``you wrote: "..."``, ``you said '...'``,
  ``in your email you mentioned “...”``.
Signatures and footers stay: they are the agent's text.
"""

from __future__ import annotations

import re

_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_ATTRIBUTION = re.compile(
    r"^[ \t]*(?:"
    r"On\b[^\n]{0,200}?\bwrote:[ \t]*$"  # On <date>, <name> wrote:
    r"|Le\b[^\n]{0,200}?\ba écrit ?:[ \t]*$"
    r"|Am\b[^\n]{0,200}?\bschrieb[^\n]{0,40}:[ \t]*$"
    r"|-{2,}[ \t]*(?:Original Message|Forwarded message|Ursprüngliche Nachricht)[ \t]*-{2,}[ \t]*$"
    r"|From:[^\n]{1,200}\n[ \t]*(?:Sent|Date):[^\n]*$"
    r")",
    re.MULTILINE | re.IGNORECASE,
)
_ATTRIBUTED_QUOTE = re.compile(
    r"\b(?:you|your\s+(?:email|e-mail|message|ticket|note|letter|review|chat|comment|complaint))\s+"
    r"(?:(?:have|had|just)\s+)?"
    r"(?:wrote|write|said|say|says|mentioned|mention|stated|state|asked|ask|put|told us|described|called it)"
    # "you wrote that you were "...": a few words of the agent's own between the verb and the quote
    r"(?:\s+(?:that(?:\s+[\w'’-]+){0,8}?|in your [a-z]+|to us|earlier|before))?"
    r"\s*[:,]?\s*"
    r"(?P<open>[\"“‘«]|'(?=\S))",
    re.IGNORECASE,
)
_CLOSERS = {'"': '"', "“": "”", "‘": "’", "'": "'", "«": "»"}
_MAX_QUOTE = 2000


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Code-point ranges ``[start, end)`` of quoted customer text, sorted and non-overlapping."""
    ranges: list[tuple[int, int]] = []
    attribution = _ATTRIBUTION.search(text)
    tail_start = attribution.start() if attribution else len(text)
    if attribution:
        ranges.append((attribution.start(), len(text)))
    for match in _QUOTED_LINE.finditer(text, 0, tail_start):
        ranges.append((match.start(), match.end()))
    for match in _ATTRIBUTED_QUOTE.finditer(text, 0, tail_start):
        opener = match.group("open")
        content_start = match.end()
        closer = text.find(_CLOSERS[opener], content_start, content_start + _MAX_QUOTE)
        if opener in "\"'" and closer == -1:
            continue
        if closer == -1:
            # A curly quote left open runs to the end of the paragraph.
            paragraph_end = text.find("\n\n", content_start)
            closer = paragraph_end if paragraph_end != -1 else len(text)
        ranges.append((content_start, closer))
    return _merge(ranges)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return merged


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def mask(text: str, ranges: list[tuple[int, int]]) -> str:
    """Blank out ``ranges`` with spaces, keeping line breaks, so every offset stays the same.

    Lone surrogates (possible in strings decoded from JSON) become U+FFFD: spaCy cannot encode
    them, and the swap keeps both offset kinds unchanged.
    """
    text = _LONE_SURROGATE.sub("\ufffd", text)
    if not ranges:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end in ranges:
        parts.append(text[cursor:start])
        parts.append(re.sub(r"[^\n]", " ", text[start:end]))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)
