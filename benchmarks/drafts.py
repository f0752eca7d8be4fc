"""Realistic drafts of a given length, built from the hand-written dev set (measuring only)."""

from __future__ import annotations

import json
import random
from pathlib import Path

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev_drafts.jsonl"


def dev_texts() -> list[str]:
    return [json.loads(line)["text"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def drafts_of_words(words: int, count: int, seed: int = 0) -> list[str]:
    """``count`` drafts of about ``words`` words: dev drafts joined or cut at a sentence end."""
    rng = random.Random(seed)
    texts = dev_texts()
    drafts = []
    while len(drafts) < count:
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < words:
            parts.append(rng.choice(texts))
        tokens = "\n\n".join(parts).split(" ")
        drafts.append(" ".join(tokens[:words]))
    return drafts
