"""Helpers shared by the tests."""

from __future__ import annotations


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` counted in UTF-16 code units, as a JavaScript client slices it."""
    return text.encode("utf-16-le", "surrogatepass")[start * 2 : end * 2].decode("utf-16-le", "surrogatepass")
