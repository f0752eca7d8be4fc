"""``make model``: generate data, fine-tune, export to int8 ONNX, calibrate thresholds, evaluate.

python -m training.pipeline training/configs/replylint-minilm-l1.yaml [--models-dir models]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from .calibrate import calibrate
from .config import RunConfig
from .corpus import load_authored, load_authored_drafts
from .export import export
from .generate import GenerateConfig, generate
from .train import train

ROOT = Path(__file__).resolve().parent.parent


def run(config_path: Path, models_dir: Path, work_dir: Path, *, evaluate_model: bool = True, log=print) -> Path:
    started = time.time()
    config = RunConfig.load(config_path)
    data_dir = work_dir / "generated" / config.name
    sentences = [replace(s, weight=config.near_miss_weight) if s.near_miss_of else s for s in load_authored()]
    authored_drafts = load_authored_drafts()
    counts = generate(
        sentences,
        GenerateConfig(
            seed=config.seed,
            drafts=config.drafts,
            noise=config.noise,
            near_miss_share=config.near_miss_share,
            authored_draft_weight=config.authored_draft_weight,
        ),
        data_dir,
        authored_drafts,
    )
    log(
        f"[1/5] generated {json.dumps(counts)} from {len(sentences)} authored sentences"
        f" and {len(authored_drafts)} hand-written drafts"
    )
    checkpoint = train(config, data_dir, work_dir / "runs" / config.name / "checkpoint", log=log)
    log(f"[2/5] trained -> {checkpoint} ({(time.time() - started) / 60:.1f} min so far)")
    model_dir = models_dir / config.name
    (model_dir / "thresholds.json").unlink(missing_ok=True)
    export(checkpoint, model_dir)
    log(f"[3/5] exported int8 ONNX -> {model_dir} ({(model_dir / 'model.onnx').stat().st_size / 1e6:.1f} MB)")
    thresholds = calibrate(model_dir, data_dir, config)
    log(f"[4/5] calibrated thresholds on the generated validation split: {thresholds}")
    if evaluate_model:
        from .evaluate import evaluate_and_write_card

        summary = evaluate_and_write_card(model_dir, data_dir, checkpoint)
        log(summary)
        log(f"[5/5] evaluated; model card -> {model_dir / 'MODEL_CARD.md'}")
    log(f"done in {(time.time() - started) / 60:.1f} min")
    return model_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", type=Path)
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "training", help="where generated data and checkpoints go")
    parser.add_argument("--no-eval", action="store_true")
    args = parser.parse_args()
    run(args.config, args.models_dir, args.work_dir, evaluate_model=not args.no_eval)


if __name__ == "__main__":
    main()
