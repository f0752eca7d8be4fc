"""Offsets in Python code points and in JavaScript UTF-16 code units.

JavaScript strings index UTF-16 code units, so every character outside the Basic Multilingual
Plane (most emoji) counts twice there. An ``OffsetMap`` converts in O(1) after an O(n) build.
"""

from __future__ import annotations

from itertools import accumulate


class OffsetMap:
    """Maps code-point offsets of one text to UTF-16 offsets."""

    __slots__ = ("_utf16",)

    def __init__(self, text: str) -> None:
        # Only characters outside the BMP make the two offsets differ; curly quotes and dashes don't.
        if text.isascii() or max(text) <= "\uffff":
            self._utf16 = None
        else:
            # _utf16[i] is the UTF-16 offset of code point i; one extra entry for len(text).
            self._utf16 = [0, *accumulate(2 if ord(ch) > 0xFFFF else 1 for ch in text)]

    def utf16(self, offset: int) -> int:
        return offset if self._utf16 is None else self._utf16[offset]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
