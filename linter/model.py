"""The tone classifier at run time: onnxruntime + tokenizers only (no torch, no transformers).

A model folder (written by ``training/export.py``) holds model.onnx (token ids -> sentence
embedding), head.npz (the linear layer over [sentence; previous sentence] embeddings),
tokenizer.json, labels.json, config.json, thresholds.json and manifest.json. Every file is checked
against the manifest's sha256 and the labels against the taxonomy before anything runs.

Each sentence is encoded once, alone: its embedding is both its own input and its successor's
context. Sentences of one draft are tokenized in one batch and run unpadded, one by one, so an
embedding never depends on its neighbours in the batch (dynamic int8 quantizes each run with one
activation scale). Embeddings are cached per sentence (bounded LRU), so re-linting a draft while
the agent types only encodes the sentences that changed.
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
DEFAULT_MODEL_NAME = "replylint-minilm-l1"
CONTEXT_KIND = "previous_sentence_embedding"  # what config.json must say the head reads
REQUIRED_FILES = ("model.onnx", "head.npz", "tokenizer.json", "labels.json", "config.json", "thresholds.json", MANIFEST)


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
        if self.config.get("context") != CONTEXT_KIND:
            raise ReplylintError(
                Errors.E206, path=self.model_dir / "config.json", found=self.config.get("context"), expected=CONTEXT_KIND
            )
        with np.load(self.model_dir / "head.npz", allow_pickle=False) as head:
            self._head_weight = head["weight"].astype(np.float32).T  # (2 * hidden, labels)
            self._head_bias = head["bias"].astype(np.float32)
        if self._head_weight.shape[1] != len(LABEL_IDS) or self._head_weight.shape[0] % 2:
            raise ReplylintError(
                Errors.E206, path=self.model_dir / "head.npz", found=f"weights {self._head_weight.shape}", expected=CONTEXT_KIND
            )
        self._no_context = np.zeros(self._head_weight.shape[0] // 2, dtype=np.float32)
        self.name: str = self.config["name"]
        raw_thresholds = json.loads((self.model_dir / "thresholds.json").read_text())
        if set(raw_thresholds) != set(LABEL_IDS) or not all(0.0 < float(v) <= 1.0 for v in raw_thresholds.values()):
            raise ReplylintError(
                Errors.E205, path=self.model_dir / "thresholds.json", reason="need one value in (0, 1] per label"
            )
        self.thresholds = np.array([float(raw_thresholds[label]) for label in LABEL_IDS], dtype=np.float32)

        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        # tokenizer.json carries no truncation setting: set it here, as in training.
        self.tokenizer.enable_truncation(int(self.config["max_length"]), strategy="longest_first")
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or int(os.environ.get("REPLYLINT_MODEL_THREADS", "1"))
        options.inter_op_num_threads = 1
        try:
            self.session = onnxruntime.InferenceSession(
                str(self.model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # onnxruntime raises its own exception types
            raise ReplylintError(Errors.E204, path=self.model_dir / "model.onnx", reason=str(err)) from err
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Probabilities, shape (len(pairs), labels). Cached sentences are not encoded again."""
        texts = _distinct_texts(pairs)
        embeddings: dict[str, np.ndarray] = {}
        missing: list[str] = []
        with self._lock:
            for text in texts:
                cached = self._cache.get(text)
                if cached is None:
                    missing.append(text)
                else:
                    self._cache.move_to_end(text)
                    embeddings[text] = cached
        if missing:
            fresh = dict(zip(missing, self._encode(missing), strict=True))
            embeddings |= fresh
            with self._lock:
                self._cache |= fresh
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return sigmoid(self._head(pairs, embeddings))

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Raw logits without the cache (for export checks and calibration)."""
        texts = _distinct_texts(pairs)
        return self._head(pairs, dict(zip(texts, self._encode(texts), strict=True)))

    def _head(self, pairs: list[tuple[str, str]], embeddings: dict[str, np.ndarray]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(LABEL_IDS)), dtype=np.float32)
        # Row by row: a matrix product over the stacked rows may round differently with the row
        # count, and a sentence's score must not depend on what else the draft holds.
        return np.stack(
            [
                np.concatenate([embeddings[s], embeddings[c] if c else self._no_context]) @ self._head_weight + self._head_bias
                for s, c in pairs
            ]
        )

    def _encode(self, texts: list[str]) -> list[np.ndarray]:
        """One embedding per text, each run alone and unpadded (see the module docstring)."""
        return [
            self.session.run(
                ["embedding"],
                {
                    "input_ids": np.array([encoding.ids], dtype=np.int64),
                    "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
                },
            )[0][0]
            for encoding in self.tokenizer.encode_batch(texts)
        ]

    def cache_clear(self) -> None:
        with self._lock:
            self._cache.clear()


def _distinct_texts(pairs: list[tuple[str, str]]) -> list[str]:
    """Every sentence and non-empty context, once, in order."""
    return list(dict.fromkeys(text for pair in pairs for text in pair if text))


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))
