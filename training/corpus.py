"""The authored corpus and its stable train/val/test split.

Two kinds of hand-written data: single sentences per label (``data/authored/``), which the
generator composes into drafts, and whole realistic drafts with the sentences that carry each
problem marked (``data/authored_drafts/``), which go into every split as they are. Neither kind is
the dev set (``tests/data/dev_drafts.jsonl``), which stays held out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter.taxonomy import LABEL_IDS

AUTHORED_DIR = Path(__file__).parent / "data" / "authored"
AUTHORED_DRAFTS_DIR = Path(__file__).parent / "data" / "authored_drafts"
SPLITS = ("train", "val", "test")


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for every non-blank line of a JSONL file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            yield number, json.loads(line)


def _bucket(text: str) -> int:
    return int(hashlib.sha1(text.strip().lower().encode()).hexdigest()[:8], 16) % 10


@dataclass(frozen=True)
class AuthoredSentence:
    text: str
    label: str | None  # None for clean
    industry: str
    register: str
    near_miss_of: str | None = None
    weight: float = 1.0

    @property
    def split(self) -> str:
        """80/10/10 by a hash of the text, so a sentence never crosses splits between runs."""
        bucket = _bucket(self.text)
        return "val" if bucket == 8 else "test" if bucket == 9 else "train"


@dataclass(frozen=True)
class AuthoredDraft:
    """A whole hand-written draft; ``evidence`` holds (label, exact sentence) pairs."""

    id: str
    text: str
    labels: tuple[str, ...]
    evidence: tuple[tuple[str, str], ...]
    industry: str = "general"

    @property
    def split(self) -> str:
        """60/20/20: realistic drafts are scarce, and validation needs enough clean ones to calibrate."""
        bucket = _bucket(self.text)
        return "val" if bucket in (6, 7) else "test" if bucket in (8, 9) else "train"

    def spans(self) -> list[tuple[int, int, str]]:
        """(start, end, label) of every evidence sentence in ``text``."""
        return [
            (start, start + len(sentence), label) for label, sentence in self.evidence for start in [self.text.index(sentence)]
        ]


def load_authored(directory: Path = AUTHORED_DIR, extra: list[Path] | None = None) -> list[AuthoredSentence]:
    sentences: dict[str, AuthoredSentence] = {}
    for path in sorted(directory.glob("*.jsonl")) + list(extra or []):
        for number, record in _records(Path(path)):
            label = record.get("label")
            label = None if label in (None, "clean") else label
            if label is not None and label not in LABEL_IDS:
                raise ValueError(f"{path}:{number}: unknown label {label!r}")
            text = record["text"].strip()
            key = text.lower()
            if key not in sentences:
                sentences[key] = AuthoredSentence(
                    text=text,
                    label=label,
                    industry=record.get("industry", "general"),
                    register=record.get("register", "general"),
                    near_miss_of=record.get("near_miss_of"),
                    weight=float(record.get("weight", 1.0)),
                )
    return list(sentences.values())


def load_authored_drafts(directory: Path = AUTHORED_DRAFTS_DIR) -> list[AuthoredDraft]:
    drafts: list[AuthoredDraft] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.jsonl")):
        for number, record in _records(Path(path)):
            where = f"{path}:{number} ({record.get('id')})"
            evidence = tuple((item["label"], item["sentence"]) for item in record.get("evidence", []))
            labels = tuple(sorted(set(record.get("labels", []))))
            if unknown := [label for label in labels if label not in LABEL_IDS]:
                raise ValueError(f"{where}: unknown label(s) {unknown}")
            if set(labels) != {label for label, _ in evidence}:
                raise ValueError(f"{where}: 'labels' must be exactly the labels of 'evidence'")
            if missing := [sentence for _, sentence in evidence if sentence not in record["text"]]:
                raise ValueError(f"{where}: evidence not found in the text: {missing[0]!r}")
            if record["id"] in seen:
                raise ValueError(f"{where}: duplicate id")
            seen.add(record["id"])
            drafts.append(AuthoredDraft(record["id"], record["text"], labels, evidence, record.get("industry", "general")))
    return drafts


def load_feedback_examples(paths: list[Path], weight: float = 1.0) -> list[dict]:
    """Sentence examples from ``replylint feedback export`` files, each weight multiplied by ``weight``.

    The files are in the training sentence format already; labels are checked against the taxonomy.
    """
    examples = []
    for path in paths:
        for number, record in _records(Path(path)):
            unknown = [label for label in record.get("labels", []) if label not in LABEL_IDS]
            if unknown or not isinstance(record.get("sentence"), str):
                raise ValueError(f"{path}:{number}: expected a feedback export line with a 'sentence' and taxonomy 'labels'")
            examples.append(
                {**record, "context": record.get("context") or "", "weight": float(record.get("weight", 1.0)) * weight}
            )
    return examples
