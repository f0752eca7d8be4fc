"""Export a checkpoint to ONNX (opset 17), quantize it to int8, and write the model folder.

The folder holds everything the runtime reads: model.onnx (token ids -> sentence embedding),
head.npz (the linear layer over [sentence; previous sentence] embeddings, fp32), tokenizer.json,
labels.json, config.json and thresholds.json, plus manifest.json with a sha256 for each of them.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

from linter.model import MANIFEST, file_sha256
from linter.taxonomy import LABEL_IDS

from .train import SentenceEmbedder, load_checkpoint


def export(checkpoint: Path, model_dir: Path) -> Path:
    """Write ``model_dir`` with an int8 ONNX model; thresholds default to 0.5 until calibrated."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model, tokenizer, config = load_checkpoint(checkpoint)
    model_dir.mkdir(parents=True, exist_ok=True)
    sample = tokenizer(["You will not receive a reply."], return_tensors="pt")
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                SentenceEmbedder(model),
                (sample["input_ids"], sample["attention_mask"]),
                str(fp32),
                input_names=["input_ids", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask")}
                | {"embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        quantize_dynamic(str(fp32), str(model_dir / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copy(
        Path(tokenizer.name_or_path) / "tokenizer.json"
        if (Path(tokenizer.name_or_path) / "tokenizer.json").exists()
        else checkpoint / "tokenizer" / "tokenizer.json",
        model_dir / "tokenizer.json",
    )
    head = model.head.state_dict()
    np.savez(model_dir / "head.npz", weight=head["weight"].numpy(), bias=head["bias"].numpy())
    (model_dir / "labels.json").write_text(json.dumps(list(LABEL_IDS), indent=2) + "\n")
    (model_dir / "config.json").write_text(
        json.dumps(
            {
                "name": config.name,
                "max_length": config.max_length,
                "context": "previous_sentence_embedding",
                "base_model": "sentence-transformers/all-MiniLM-L6-v2",
                "num_layers": config.num_layers,
                "quantization": "dynamic int8, per-channel",
                "opset": 17,
                "run_config": config.to_dict(),
            },
            indent=2,
        )
        + "\n"
    )
    thresholds = model_dir / "thresholds.json"
    if not thresholds.exists():
        thresholds.write_text(json.dumps(dict.fromkeys(LABEL_IDS, 0.5), indent=2) + "\n")
    write_manifest(model_dir)
    return model_dir


def write_manifest(model_dir: Path) -> None:
    files = ("model.onnx", "head.npz", "tokenizer.json", "labels.json", "config.json", "thresholds.json")
    manifest = {"files": {name: file_sha256(model_dir / name) for name in files}}
    (model_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
