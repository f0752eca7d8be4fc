"""Per-label thresholds from the generated validation split (never from the hand-written dev set).

Two steps. (1) Per label, the lowest threshold whose precision against clean validation sentences
reaches ``target_precision`` (a problem sentence given a neighbouring label is a smaller error than
a clean sentence flagged, and is left to the model). (2) Clean drafts must stay quiet as a whole, not just per sentence: while more
than ``max_clean_draft_rate`` of clean validation drafts would be flagged, raise the threshold of
the label that removes the most clean-draft flags per problem draft lost. A small margin is added
so that a threshold never sits exactly on a validation score.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from linter.model import ToneModel
from linter.taxonomy import LABEL_IDS

from .config import RunConfig
from .export import write_manifest
from .train import read_examples

MARGIN = 0.02
# No threshold below 0.5: a clean validation split of a few hundred sentences can reach the target
# precision at a lower one by chance, and real drafts then pay for it in false alarms.
FLOOR, CEILING, STEP = 0.5, 0.97, 0.01


def _probabilities(model: ToneModel, examples: list[dict]) -> np.ndarray:
    pairs = [(e["sentence"], e["context"]) for e in examples]
    return np.concatenate([model.score(pairs[i : i + 64]) for i in range(0, len(pairs), 64)])


def calibrate(model_dir: Path, data_dir: Path, config: RunConfig) -> dict[str, float]:
    examples = read_examples(data_dir / "val_sentences.jsonl")
    probabilities = _probabilities(ToneModel(model_dir, threads=config.threads), examples)
    truth = np.zeros_like(probabilities, dtype=bool)
    for row, example in enumerate(examples):
        for label in example["labels"]:
            truth[row, LABEL_IDS.index(label)] = True

    clean_rows = ~truth.any(axis=1)
    thresholds = np.full(len(LABEL_IDS), CEILING)
    for column in range(len(LABEL_IDS)):
        for threshold in np.arange(FLOOR, CEILING, STEP):
            flagged = probabilities[:, column] >= threshold
            true_positives = (flagged & truth[:, column]).sum()
            precision = true_positives / max(1, true_positives + (flagged & clean_rows).sum())
            if precision >= config.target_precision:
                thresholds[column] = threshold
                break

    # Draft level: rows of each draft (the "-single" rows are not drafts). Composed and hand-written
    # drafts are held to the clean-draft rate separately: the few realistic ones must not drown.
    drafts: dict[str, list[int]] = defaultdict(list)
    for row, example in enumerate(examples):
        if not example["draft_id"].endswith("-single"):
            drafts[example["draft_id"]].append(row)
    groups = [[rows for draft_id, rows in drafts.items() if ("-authored-" in draft_id) == authored] for authored in (False, True)]
    clean_groups = [[r for r in group if not truth[r].any()] for group in groups]
    problem_groups = [[r for r in group if truth[r].any()] for group in groups]

    def rates(label_thresholds: np.ndarray, draft_groups: list[list[list[int]]]) -> np.ndarray:
        """Share of each group's drafts with any label at or above its threshold."""
        return np.array(
            [
                sum(bool((probabilities[r] >= label_thresholds).any()) for r in group) / max(1, len(group))
                for group in draft_groups
            ]
        )

    while (rates(thresholds, clean_groups) > config.max_clean_draft_rate).any():
        best, best_value = None, -1.0
        clean_now, caught_now = rates(thresholds, clean_groups).sum(), rates(thresholds, problem_groups).sum()
        for step in (0.02, 0.05, 0.1, 0.2, 0.4):  # small steps first; larger ones when small ones change nothing
            for column in range(len(LABEL_IDS)):
                if thresholds[column] >= CEILING:
                    continue
                trial = thresholds.copy()
                trial[column] = min(CEILING, trial[column] + step)
                gained = clean_now - rates(trial, clean_groups).sum()
                lost = caught_now - rates(trial, problem_groups).sum()
                value = gained / (lost + 1e-3)
                if gained > 0 and value > best_value:
                    best, best_value = (column, step), value
            if best is not None:
                break
        if best is None:
            break
        column, step = best
        thresholds[column] = min(CEILING, thresholds[column] + step)

    result = {label: round(float(min(CEILING, thresholds[i] + MARGIN)), 3) for i, label in enumerate(LABEL_IDS)}
    (model_dir / "thresholds.json").write_text(json.dumps(result, indent=2) + "\n")
    write_manifest(model_dir)
    return result
