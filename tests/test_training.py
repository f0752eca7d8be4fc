"""The training pipeline end to end on a tiny config: generate, train a few steps, export, quantize,
calibrate, evaluate (with the ONNX-vs-PyTorch check) and load the result in the runtime."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

pytest.importorskip("torch")

from linter import Linter  # noqa: E402
from linter.model import ToneModel  # noqa: E402
from linter.taxonomy import LABEL_IDS  # noqa: E402
from training.config import RunConfig  # noqa: E402
from training.corpus import load_authored, load_authored_drafts  # noqa: E402
from training.generate import GenerateConfig, add_noise, generate  # noqa: E402
from training.pipeline import run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SMOKE = ROOT / "training" / "configs" / "smoke.yaml"

# Int8 logits move a little (up to ~0.25 seen) between the fp32 checkpoint and the int8 export.
LOGIT_TOLERANCE = 0.5


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("smoke")
    return run(SMOKE, base / "models", base / "work", log=lambda *_: None)


def test_training_authored_corpus_meets_its_minimums() -> None:
    sentences = load_authored()
    per_label = {label: sum(s.label == label for s in sentences) for label in LABEL_IDS}
    clean = [s for s in sentences if s.label is None]
    assert min(per_label.values()) >= 250, per_label
    assert len(clean) >= 1500
    assert sum(s.near_miss_of is not None for s in clean) >= 400


def test_training_dev_set_is_disjoint_from_training_sentences() -> None:
    authored = {s.text.lower() for s in load_authored()}
    dev = [json.loads(line)["text"] for line in (ROOT / "tests" / "data" / "dev_drafts.jsonl").read_text().splitlines()]
    assert not [text for text in dev if text.lower() in authored]


def test_training_hand_written_drafts_are_valid_varied_and_apart_from_the_dev_set() -> None:
    drafts = load_authored_drafts()  # raises on a bad label, a missing evidence sentence or a duplicate id
    clean = [d for d in drafts if not d.labels]
    assert len(drafts) >= 300 and 0.4 <= len(clean) / len(drafts) <= 0.7
    assert all(sum(label in d.labels for d in drafts) >= 10 for label in LABEL_IDS)
    assert len({d.industry for d in drafts}) >= 12
    assert {d.split for d in drafts} == {"train", "val", "test"}
    dev = [json.loads(line)["text"] for line in (ROOT / "tests" / "data" / "dev_drafts.jsonl").read_text().splitlines()]
    dev_sentences = {sentence.strip().lower() for text in dev for sentence in text.splitlines() if len(sentence) > 40}
    evidence = {sentence.strip().lower() for d in drafts for _, sentence in d.evidence}
    assert not evidence & dev_sentences


def test_training_hand_written_drafts_label_only_their_evidence_sentences(tmp_path: Path) -> None:
    drafts = load_authored_drafts()
    generate(load_authored(), GenerateConfig(seed=5, drafts={"train": 1, "val": 1, "test": 1}), tmp_path, drafts)
    examples = [json.loads(line) for line in (tmp_path / "train_sentences.jsonl").read_text().splitlines()]
    authored = [e for e in examples if "-authored-" in e["draft_id"]]
    by_id = {d.id: d for d in drafts}
    for example in authored:
        draft = by_id[example["draft_id"].split("-authored-", 1)[1]]
        expected = {
            label for label, sentence in draft.evidence if example["sentence"] in sentence or sentence in example["sentence"]
        }
        assert set(example["labels"]) == expected, (draft.id, example["sentence"])
    assert {e["draft_id"] for e in authored} == {f"train-authored-{d.id}" for d in drafts if d.split == "train"}


def test_training_generator_is_reproducible_and_splits_do_not_leak(tmp_path: Path) -> None:
    sentences = load_authored()
    config = GenerateConfig(seed=5, drafts={"train": 30, "val": 10, "test": 10})
    generate(sentences, config, tmp_path / "a")
    generate(sentences, config, tmp_path / "b")
    for name in ("train_drafts.jsonl", "test_sentences.jsonl"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    train = {json.loads(line)["sentence"] for line in (tmp_path / "a" / "train_sentences.jsonl").read_text().splitlines()}
    singles_test = {
        json.loads(line)["sentence"]
        for line in (tmp_path / "a" / "test_sentences.jsonl").read_text().splitlines()
        if json.loads(line)["draft_id"] == "test-single"
    }
    assert not train & singles_test


def test_training_generated_drafts_carry_labels_only_for_agent_text(tmp_path: Path) -> None:
    generate(load_authored(), GenerateConfig(seed=9, drafts={"train": 200, "val": 10, "test": 10}), tmp_path)
    examples = [json.loads(line) for line in (tmp_path / "train_sentences.jsonl").read_text().splitlines()]
    assert not [e for e in examples if e["sentence"].startswith(">")]
    labelled = [e for e in examples if e["labels"]]
    assert labelled and all(set(e["labels"]) <= set(LABEL_IDS) for e in labelled)


def test_training_noise_changes_text_but_keeps_words() -> None:
    rng = random.Random(3)
    text = "I will not be able to help, do not reply to this email."
    noisy = {add_noise(text, rng, 1.0) for _ in range(20)}
    assert len(noisy) > 5


def test_training_smoke_pipeline_produces_a_loadable_verified_model(smoke_run: Path) -> None:
    model = ToneModel(smoke_run)
    assert model.name == "smoke"
    report = Linter(model=model).lint("Hi Ana,\n\nThat's handled by another department.\n\nBest,\nJo")
    assert report.model == "smoke"
    card = (smoke_run / "MODEL_CARD.md").read_text()
    for heading in (
        "## Intended use",
        "## Training data",
        "## Evaluation",
        "## Known failure modes",
        "## Licence and attribution",
    ):
        assert heading in card
    config = RunConfig.load(SMOKE)
    assert json.loads((smoke_run / "config.json").read_text())["run_config"]["max_steps"] == config.max_steps


def test_training_onnx_int8_agrees_with_pytorch_on_the_dev_set(smoke_run: Path) -> None:
    metrics = json.loads((smoke_run / "metrics.json").read_text())
    agreement = metrics["onnx_vs_pytorch"]
    assert agreement["sentences"] > 500
    assert agreement["max_abs_logit_diff"] <= LOGIT_TOLERANCE
    assert agreement["decision_agreement"] >= 0.995


def test_training_only_the_evaluation_step_reads_the_dev_set() -> None:
    """The dev set and the held-out drafts stay held out: no training module but evaluate.py names them, and evaluate.py never
    writes what the runtime reads (thresholds, model files), only metrics and the model card."""
    import ast

    for path in sorted((ROOT / "training").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree) or ""
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        names_dev_set = [s for s in strings if ("dev_drafts" in s or "heldout_drafts" in s) and s.strip() != docstring.strip()]
        if path.name == "evaluate.py":
            assert names_dev_set
            written = {
                c.value
                for call in ast.walk(tree)
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "write_text"
                for c in ast.walk(call.func.value)
                if isinstance(c, ast.Constant)
            }
            assert written == {"metrics.json", "MODEL_CARD.md"}, written
            assert "write_manifest" not in path.read_text(encoding="utf-8")
        else:
            assert not names_dev_set, path.name
            assert not {"DEV_SET", "HELDOUT_SET"} & {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}, path.name
