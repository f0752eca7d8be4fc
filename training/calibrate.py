"""Per-label thresholds from the generated validation split (never from the hand-written dev set).

For each label: the lowest threshold whose precision on validation sentences reaches the target
and that flags at most ``max_clean_flag_rate`` of clean sentences; a margin is added because int8
scores move slightly inside padded batches.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from linter.model import ToneModel
from linter.taxonomy import LABEL_IDS

from .config import RunConfig
from .export import write_manifest
from .train import read_examples

MARGIN = 0.02
FLOOR, CEILING = 0.35, 0.97


def calibrate(model_dir: Path, data_dir: Path, config: RunConfig) -> dict[str, float]:
    examples = read_examples(data_dir / "val_sentences.jsonl")
    model = ToneModel(model_dir, threads=config.threads)
    probabilities = np.concatenate(
        [model._run([(e["sentence"], e["context"]) for e in examples[i : i + 64]]) for i in range(0, len(examples), 64)]
    )
    truth = np.zeros_like(probabilities, dtype=bool)
    for row, example in enumerate(examples):
        for label in example["labels"]:
            truth[row, LABEL_IDS.index(label)] = True
    clean_rows = ~truth.any(axis=1)
    thresholds: dict[str, float] = {}
    for column, label in enumerate(LABEL_IDS):
        chosen = CEILING
        for threshold in np.arange(FLOOR, CEILING, 0.01):
            flagged = probabilities[:, column] >= threshold
            true_positives = (flagged & truth[:, column]).sum()
            precision = true_positives / max(1, flagged.sum())
            clean_rate = (flagged & clean_rows).sum() / max(1, clean_rows.sum())
            if precision >= config.target_precision and clean_rate <= config.max_clean_flag_rate:
                chosen = float(threshold)
                break
        thresholds[label] = round(min(CEILING, chosen + MARGIN), 3)
    (model_dir / "thresholds.json").write_text(json.dumps(thresholds, indent=2) + "\n")
    write_manifest(model_dir)
    return thresholds
