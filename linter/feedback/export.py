"""Opted-in feedback as training data, in the sentence format ``training/`` reads.

Each line is ``{"draft_id", "sentence", "context", "labels", "weight", "source", "team"}``, like
``training/generate.py``'s ``*_sentences.jsonl``. Per sentence and label the verdicts vote:
accepted and rewritten say the label is right, dismissed says it is wrong. A sentence's ``labels``
are those with more right than wrong votes; a sentence whose every label was voted wrong is a
clean example (``labels: []``), the false positive the model should unlearn. Ties are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from .store import FeedbackStore, sentence_hash


def training_examples(store: FeedbackStore, team: str, weight: float = 1.0) -> Iterator[dict]:
    votes: dict[str, dict[str, int]] = {}
    texts: dict[str, str] = {}
    for sentence, label, verdict, count in store.sentences(team):
        key = sentence_hash(sentence)
        texts.setdefault(key, sentence)
        per_label = votes.setdefault(key, {})
        per_label[label] = per_label.get(label, 0) + (count if verdict in ("accepted", "rewritten") else -count)
    for key, per_label in votes.items():
        if all(score == 0 for score in per_label.values()):
            continue
        yield {
            "draft_id": f"feedback-{team}-{key[:12]}",
            "sentence": texts[key],
            "context": "",
            "labels": sorted(label for label, score in per_label.items() if score > 0),
            "weight": weight,
            "source": "feedback",
            "team": team,
        }


def write_training_jsonl(store: FeedbackStore, team: str, out: TextIO, weight: float = 1.0) -> dict[str, int]:
    """Write the team's examples; returns counts of flagged and clean sentences written."""
    counts = {"sentences": 0, "flagged": 0, "clean": 0}
    for example in training_examples(store, team, weight):
        out.write(json.dumps(example, ensure_ascii=False) + "\n")
        counts["sentences"] += 1
        counts["flagged" if example["labels"] else "clean"] += 1
    return counts
