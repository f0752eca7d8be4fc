"""The text a customer reads, with every offset mapped back to the source the helpdesk stores.

A canned reply is stored as HTML and/or with helpdesk placeholders (``{{ticket.requester.first_name}}``,
Help Scout's ``{%customer.firstName%}``, Liquid tags such as ``{% if ... %}``). The linter must see
what the customer reads: the visible text of the HTML, and each value placeholder as a plausible
stand-in (a name for a name, an id for anything else) so rules and the classifier read a normal
sentence; Liquid control tags read as nothing. A ``TextView`` keeps, for each character of that
text, the source range it came from, so findings point into the source and a rewrite can be
written back with every placeholder restored.
"""

from __future__ import annotations

import html
import re
from array import array
from collections import Counter
from dataclasses import dataclass

# {{ value }}, {% tag or Help Scout value %}, {# comment #}; never across a blank line.
PLACEHOLDER = re.compile(r"\{\{(?:(?!\n\s*\n).){1,200}?\}\}|\{%(?:(?!\n\s*\n).){1,200}?%\}|\{#(?:(?!\n\s*\n).){0,200}?#\}", re.S)
_LIQUID_TAGS = frozenset(
    [
        "if",
        "elsif",
        "else",
        "endif",
        "unless",
        "endunless",
        "for",
        "endfor",
        "case",
        "when",
        "endcase",
        "assign",
        "capture",
        "endcapture",
        "comment",
        "endcomment",
        "raw",
        "endraw",
        "break",
        "continue",
        "cycle",
        "increment",
        "decrement",
        "tablerow",
        "endtablerow",
        "liquid",
        "echo",
        "render",
        "include",
    ]
)
_NAME_STANDINS = ("Robin", "Casey", "Jordan", "Morgan", "Avery", "Quinn", "Rowan", "Emery", "Harper", "Sasha", "Kendall", "Reese")
_HTML_HINT = re.compile(
    r"</?(?:p|div|br|span|a|b|strong|i|em|u|ul|ol|li|h[1-6]|table|tr|td|th|blockquote|img|font|hr|body|html)\b[^<>]*>", re.I
)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text))


@dataclass(frozen=True)
class Placeholder:
    text: str  # as in the source
    start: int
    end: int
    standin: str  # what the linter reads instead ("" for a control tag)


def is_control_tag(placeholder: str) -> bool:
    if placeholder.startswith("{#"):
        return True
    if not placeholder.startswith("{%"):
        return False
    words = placeholder[2:-2].strip().lstrip("-").split()
    return bool(words) and words[0].lower() in _LIQUID_TAGS


def placeholders_in(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


class TextView:
    """``text`` derived from ``source``; character i of ``text`` came from ``source[starts[i]:ends[i]]``."""

    __slots__ = ("source", "text", "_starts", "_ends", "_standin", "placeholders")

    def __init__(self, source: str, pieces: list[tuple[str, int, int, bool]], placeholders: tuple[Placeholder, ...] = ()):
        """``pieces``: (text, source start, source end, verbatim). A verbatim piece maps char to char;
        any other piece maps each of its characters to the whole source range (an entity, a tag
        read as a line break, a placeholder's stand-in)."""
        self.source = source
        self._starts = array("l")
        self._ends = array("l")
        self._standin = bytearray()
        parts = []
        for text, start, end, verbatim in pieces:
            parts.append(text)
            if verbatim:
                self._starts.extend(range(start, start + len(text)))
                self._ends.extend(range(start + 1, start + len(text) + 1))
            else:
                self._starts.extend([start] * len(text))
                self._ends.extend([end] * len(text))
            self._standin.extend([0 if verbatim else 1] * len(text))
        self.text = "".join(parts)
        self.placeholders = placeholders

    @classmethod
    def identity(cls, source: str) -> TextView:
        return cls(source, [(source, 0, len(source), True)])

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """The source range that ``text[start:end]`` came from; an empty range maps to a point."""
        if end > start:
            return self._starts[start], self._ends[end - 1]
        point = self._ends[start - 1] if start > 0 else (self._starts[0] if self.text else 0)
        return point, point

    def view_offset(self, source_offset: int) -> int:
        """The first view character that comes from at or after ``source_offset`` (for display)."""
        low, high = 0, len(self._starts)
        while low < high:
            middle = (low + high) // 2
            if self._starts[middle] < source_offset:
                low = middle + 1
            else:
                high = middle
        return low

    def only_standins(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is nothing but placeholder stand-ins (and spacing/punctuation)."""
        chars = [i for i in range(start, end) if self.text[i].isalnum()]
        return bool(chars) and all(self._standin[i] for i in chars) and bool(self.placeholders)

    def restore(self, text: str) -> str:
        """Put the source placeholders back in place of their stand-ins in ``text`` (new rewrite text)."""
        for standin, placeholder in {p.standin: p.text for p in self.placeholders if p.standin}.items():
            text = re.sub(rf"(?<![\w#]){re.escape(standin)}(?!\w)", lambda _m, p=placeholder: p, text)
        return text

    def then(self, inner: TextView) -> TextView:
        """The view ``inner`` (made from this view's text) as a view of this view's source."""
        composed = TextView.__new__(TextView)
        composed.source = self.source
        composed.text = inner.text
        composed._starts, composed._ends = array("l"), array("l")
        for i in range(len(inner.text)):
            start, end = self.source_range(inner._starts[i], inner._ends[i])
            composed._starts.append(start)
            composed._ends.append(end)
        composed._standin = bytearray(inner._standin)  # stand-ins are the inner view's; entities are not
        composed.placeholders = tuple(
            Placeholder(p.text, *self.source_range(p.start, p.end), p.standin) for p in inner.placeholders
        )
        return composed


def placeholder_view(source: str) -> TextView:
    """Value placeholders read as stand-ins that none of the source uses; control tags read as nothing."""
    matches = list(PLACEHOLDER.finditer(source))
    if not matches:
        return TextView.identity(source)
    chosen: dict[str, str] = {}
    names = (n for n in _NAME_STANDINS if not re.search(rf"\b{n}\b", source))
    number = 48213
    pieces: list[tuple[str, int, int, bool]] = []
    placeholders = []
    cursor = 0
    for match in matches:
        token = match.group(0)
        if token not in chosen:
            if is_control_tag(token):
                chosen[token] = ""
            elif "name" in token.lower() and (name := next(names, None)):
                chosen[token] = name
            else:
                while f"#{number}" in source:
                    number += 1
                chosen[token] = f"#{number}"
                number += 1
        pieces.append((source[cursor : match.start()], cursor, match.start(), True))
        pieces.append((chosen[token], match.start(), match.end(), False))
        placeholders.append(Placeholder(token, match.start(), match.end(), chosen[token]))
        cursor = match.end()
    pieces.append((source[cursor:], cursor, len(source), True))
    return TextView(source, pieces, tuple(placeholders))


_TAG = re.compile(
    r"<!--.*?(?:-->|$)|<![^>]*>|<\?.*?(?:\?>|$)|<(/?)([a-zA-Z][\w:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HIDDEN = frozenset({"script", "style", "head", "title", "template"})
_LINE_BREAK = frozenset({"br", "li", "tr", "dt", "dd"})
_PARAGRAPH = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "table",
        "blockquote",
        "hr",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "address",
        "figure",
    ]
)


def html_view(source: str) -> TextView:
    """The visible text of an HTML body: tags dropped, entities decoded, whitespace folded as a
    browser folds it, block elements read as line breaks (paragraphs as blank lines)."""
    pieces: list[tuple[str, int, int, bool]] = []
    pending_break = 0  # newlines owed before the next visible text
    break_at = (0, 0)
    at_line_start = True
    hidden_until: str | None = None
    cursor = 0

    def emit_text(start: int, end: int) -> None:
        nonlocal pending_break, at_line_start
        for piece in re.finditer(r"\s+|" + _ENTITY.pattern + r"|[^\s&]+|&", source[start:end]):
            a, b = start + piece.start(), start + piece.end()
            token = piece.group(0)
            if token.isspace():
                if not at_line_start and pending_break == 0 and not (pieces and pieces[-1][0].endswith(" ")):
                    pieces.append((" ", a, b, False))
                continue
            if pending_break and pieces:
                if pieces[-1][0] == " ":  # a space before a line break is not read
                    pieces.pop()
                pieces.append(("\n" * pending_break, *break_at, False))
            pending_break = 0
            at_line_start = False
            if token.startswith("&") and len(token) > 1:
                decoded = html.unescape(token).replace("\xa0", " ")
                pieces.append((decoded, a, b, decoded == token))
            else:
                pieces.append((token, a, b, True))

    for match in _TAG.finditer(source):
        if hidden_until is None:
            emit_text(cursor, match.start())
        cursor = match.end()
        name = (match.group(2) or "").lower()
        closing = bool(match.group(1))
        if hidden_until is not None:
            if closing and name == hidden_until:
                hidden_until = None
            continue
        if name in _HIDDEN and not closing and not match.group(0).endswith("/>"):
            hidden_until = name
        elif name in _LINE_BREAK or name in _PARAGRAPH:
            wanted = 2 if name in _PARAGRAPH else 1
            if pieces and wanted > pending_break:
                pending_break, break_at = wanted, (match.start(), match.end())
                at_line_start = True
    if hidden_until is None:
        emit_text(cursor, len(source))
    if pieces and pieces[-1][0] == " ":
        pieces.pop()
    return TextView(source, pieces)


def reader_view(source: str, *, is_html: bool) -> TextView:
    """What the linter reads for one stored reply: visible text if HTML, placeholders as stand-ins."""
    outer = html_view(source) if is_html else TextView.identity(source)
    inner = placeholder_view(outer.text)
    if not inner.placeholders:
        return outer
    return inner if not is_html else outer.then(inner)


def placeholder_counts(text: str) -> Counter[str]:
    return Counter(placeholders_in(text))
