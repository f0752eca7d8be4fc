"""The authored corpus: hand-written sentences per label, and their stable train/val/test split."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from linter.taxonomy import LABEL_IDS

AUTHORED_DIR = Path(__file__).parent / "data" / "authored"
SPLITS = ("train", "val", "test")


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
        bucket = int(hashlib.sha1(self.text.strip().lower().encode()).hexdigest()[:8], 16) % 10
        return "val" if bucket == 8 else "test" if bucket == 9 else "train"


def load_authored(directory: Path = AUTHORED_DIR, extra: list[Path] | None = None) -> list[AuthoredSentence]:
    sentences: dict[str, AuthoredSentence] = {}
    for path in sorted(directory.glob("*.jsonl")) + list(extra or []):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
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


def load_feedback_examples(paths: list[Path], weight: float = 1.0) -> list[dict]:
    """Sentence examples from ``replylint feedback export`` files, each weight multiplied by ``weight``.

    The files are in the training sentence format already; labels are checked against the taxonomy.
    """
    examples = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            unknown = [label for label in record.get("labels", []) if label not in LABEL_IDS]
            if unknown or not isinstance(record.get("sentence"), str):
                raise ValueError(f"{path}:{number}: expected a feedback export line with a 'sentence' and taxonomy 'labels'")
            examples.append(
                {**record, "context": record.get("context") or "", "weight": float(record.get("weight", 1.0)) * weight}
            )
    return examples
