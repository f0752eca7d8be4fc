"""The tone classifier at run time: onnxruntime + tokenizers only (no torch, no transformers).

A model folder (written by ``training/export.py``) holds model.onnx, tokenizer.json, labels.json,
config.json, thresholds.json and manifest.json. Every file is checked against the manifest's
sha256 and the labels against the taxonomy before anything runs. Sentences of one draft are
scored in one batch; results are cached per (sentence, context), so re-linting a draft while the
agent types only scores the sentences that changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from .errors import Errors, ReplylintError
from .taxonomy import LABEL_IDS

MANIFEST = "manifest.json"
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL_NAME = "replylint-minilm-l4"
MICRO_BATCH = 32  # pairs per onnxruntime call when many are scored at once (lint_batch)
REQUIRED_FILES = ("model.onnx", "tokenizer.json", "labels.json", "config.json", "thresholds.json", MANIFEST)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_model_dir() -> Path:
    """``$REPLYLINT_MODEL_DIR`` if set, else the model shipped in ``models/``."""
    return Path(os.environ.get("REPLYLINT_MODEL_DIR") or MODELS_DIR / DEFAULT_MODEL_NAME)


class ToneModel:
    """Scores (sentence, previous sentence) pairs; returns one probability per taxonomy label."""

    def __init__(self, model_dir: Path, *, threads: int | None = None, cache_size: int = 8192) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        for name in REQUIRED_FILES:
            if not (self.model_dir / name).is_file():
                raise ReplylintError(Errors.E201, path=self.model_dir, name=name)
        manifest = json.loads((self.model_dir / MANIFEST).read_text())
        for name, expected in manifest["files"].items():
            actual = file_sha256(self.model_dir / name)
            if actual != expected:
                raise ReplylintError(Errors.E202, path=self.model_dir / name, expected=expected, actual=actual)
        labels = json.loads((self.model_dir / "labels.json").read_text())
        if tuple(labels) != LABEL_IDS:
            raise ReplylintError(
                Errors.E203, path=self.model_dir / "labels.json", found=", ".join(labels), expected=", ".join(LABEL_IDS)
            )
        self.config = json.loads((self.model_dir / "config.json").read_text())
        self.name: str = self.config["name"]
        self.context_words: int | None = self.config.get("context_words")
        raw_thresholds = json.loads((self.model_dir / "thresholds.json").read_text())
        if set(raw_thresholds) != set(LABEL_IDS) or not all(0.0 < float(v) <= 1.0 for v in raw_thresholds.values()):
            raise ReplylintError(
                Errors.E205, path=self.model_dir / "thresholds.json", reason="need one value in (0, 1] per label"
            )
        self.thresholds = np.array([float(raw_thresholds[label]) for label in LABEL_IDS], dtype=np.float32)

        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        # tokenizer.json carries no truncation setting: set it here, as in training.
        self.tokenizer.enable_truncation(int(self.config["max_length"]), strategy="longest_first")
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or int(os.environ.get("REPLYLINT_MODEL_THREADS", "1"))
        options.inter_op_num_threads = 1
        try:
            self.session = onnxruntime.InferenceSession(
                str(self.model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # onnxruntime raises its own exception types
            raise ReplylintError(Errors.E204, path=self.model_dir / "model.onnx", reason=str(err)) from err
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Probabilities, shape (len(pairs), labels). Cached pairs are not scored again."""
        result = np.zeros((len(pairs), len(LABEL_IDS)), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for index, pair in enumerate(pairs):
                cached = self._cache.get(pair)
                if cached is None:
                    missing.append(index)
                else:
                    self._cache.move_to_end(pair)
                    result[index] = cached
        if missing:
            probabilities = self._run([pairs[i] for i in missing])
            with self._lock:
                for index, row in zip(missing, probabilities, strict=True):
                    result[index] = row
                    self._cache[pairs[index]] = row
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return result

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Raw logits without the cache (for export checks and calibration)."""
        if not pairs:
            return np.zeros((0, len(LABEL_IDS)), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(sentence, context) for sentence, context in pairs])
        inputs = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        # Padding is on the right: run pairs of similar length together, each group cut to its
        # longest pair, so a big batch does not pay for padding every pair to the longest one.
        lengths = inputs["attention_mask"].sum(axis=1)
        order = np.argsort(lengths, kind="stable")
        logits = None
        for start in range(0, len(order), MICRO_BATCH):
            rows = order[start : start + MICRO_BATCH]
            width = int(lengths[rows].max())
            out = self.session.run(["logits"], {name: value[rows, :width] for name, value in inputs.items()})[0]
            if logits is None:
                logits = np.zeros((len(pairs), out.shape[1]), dtype=out.dtype)
            logits[rows] = out
        return logits

    def _run(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(pairs)))

    def cache_clear(self) -> None:
        with self._lock:
            self._cache.clear()
