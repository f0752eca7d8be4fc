"""Linter speed and memory: rules alone, rules + int8 model, and PyTorch fp32 side by side.

Prints: rules-only throughput (drafts/s, one core; lint and lint_batch); per-draft latency p50/p99 for 20, 80 and 250
words with 1 and 2 model threads; re-lint after a one-word edit; batch throughput; cold start;
peak RSS of a process that loaded the model and linted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .drafts import drafts_of_words

ROOT = Path(__file__).resolve().parent.parent


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def _timed(fn, items) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - started)
    return samples


def bench_rules() -> None:
    from linter import Linter

    linter = Linter(model=None)
    drafts = drafts_of_words(80, 2000, seed=1)
    for draft in drafts[:50]:
        linter.lint(draft)
    started = time.perf_counter()
    for draft in drafts:
        linter.lint(draft)
    elapsed = time.perf_counter() - started
    print(
        f"rules only, 80-word drafts, one core: {len(drafts) / elapsed:,.0f} drafts/s ({elapsed / len(drafts) * 1000:.2f} ms/draft)"
    )
    started = time.perf_counter()
    linter.lint_batch(drafts)
    elapsed = time.perf_counter() - started
    print(f"rules only, lint_batch, 80-word drafts, one core: {len(drafts) / elapsed:,.0f} drafts/s")


def bench_model(threads: int) -> None:
    from linter import Linter
    from linter.model import ToneModel, default_model_dir

    model = ToneModel(default_model_dir(), threads=threads)
    linter = Linter(model=model)
    for words in (20, 80, 250):
        drafts = drafts_of_words(words, 200, seed=words)
        for draft in drafts[:10]:
            linter.lint(draft)

        def cold(draft: str) -> None:  # drafts share dev-set sentences: every draft starts uncached
            model.cache_clear()
            linter.lint(draft)

        p50, p99 = _percentiles(_timed(cold, drafts))
        print(f"rules+model, {words:>3}-word drafts, {threads} thread(s): p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    # Re-lint after a one-word edit: the agent typing.
    drafts = drafts_of_words(80, 200, seed=7)
    edited = []
    for draft in drafts:
        linter.lint(draft)
        words = draft.split(" ")
        middle = len(words) // 2
        words[middle] = words[middle] + "s"
        edited.append(" ".join(words))
    p50, p99 = _percentiles(_timed(linter.lint, edited))
    print(f"re-lint after a one-word edit, 80 words, {threads} thread(s): p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")


def bench_rewrite() -> None:
    """Whole-draft rewrite, including linting the draft before and after, with a cold sentence cache."""
    from linter import Linter
    from linter.model import ToneModel, default_model_dir
    from linter.rewriter import rewrite

    model = ToneModel(default_model_dir(), threads=1)
    linter = Linter(model=model)
    drafts = drafts_of_words(80, 200, seed=21)

    def cold(draft: str) -> None:
        model.cache_clear()
        rewrite(linter, draft)

    p50, p99 = _percentiles(_timed(cold, drafts))
    print(f"rewrite (lint, rewrite, re-lint), 80-word drafts, 1 thread: p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")


def bench_batch() -> None:
    from linter import Linter
    from linter.model import ToneModel, default_model_dir

    # One model thread: on 2 cores, two processes (``python -m benchmarks batch``) beat two threads
    # per process, since each sentence is a small, separate run.
    model = ToneModel(default_model_dir(), threads=1, cache_size=0)
    linter = Linter(model=model)
    drafts = drafts_of_words(80, 1000, seed=11)
    linter.lint_batch(drafts[:32])
    started = time.perf_counter()
    linter.lint_batch(drafts)
    elapsed = time.perf_counter() - started
    print(f"batch scoring (lint_batch), 80-word drafts, one process, 1 thread: {len(drafts) / elapsed:,.0f} drafts/s")


def bench_pytorch() -> None:
    """The same model through PyTorch fp32, from the training checkpoint when this machine has one."""
    checkpoint = ROOT / "training" / "runs" / "replylint-minilm-l1" / "checkpoint"
    if not (checkpoint / "model.pt").exists():
        print("pytorch fp32: skipped (no local checkpoint; `make model` writes one)")
        return
    code = f"""
import time, statistics, torch, sys
sys.path.insert(0, {str(ROOT)!r})
from training.train import load_checkpoint, pair_logits
from benchmarks.drafts import drafts_of_words
from linter.nlp import english
from linter.segments import scoring_pairs, sentence_ranges
from linter.voice import mask, quoted_ranges
torch.set_num_threads(1)
model, tokenizer, config = load_checkpoint(__import__('pathlib').Path({str(checkpoint)!r}))
samples = []
for draft in drafts_of_words(80, 200, seed=80):
    started = time.perf_counter()
    masked = mask(draft, quoted_ranges(draft))
    pairs = [p for _, p in scoring_pairs(masked, sentence_ranges(english()(masked)))]
    if pairs:
        with torch.no_grad():
            pair_logits(model, tokenizer, pairs, config.max_length)
    samples.append(time.perf_counter() - started)
samples.sort()
print(f"{{statistics.median(samples) * 1000:.2f}} {{samples[int(len(samples) * 0.99)] * 1000:.2f}}")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    if result.returncode:
        print("pytorch fp32: failed:", result.stderr.strip().splitlines()[-1:])
        return
    p50, p99 = map(float, result.stdout.split())
    print(f"pytorch fp32 (same model, spaCy + model only), 80-word drafts, 1 thread: p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")


def bench_process() -> None:
    """Cold start to first report, and peak RSS of a process holding the model."""
    code = (
        "import time, resource, json; t = time.perf_counter(); import linter; "
        "linter.lint('Hi Ana, this mailbox is not monitored.'); cold = time.perf_counter() - t; "
        "from benchmarks.drafts import drafts_of_words\n"
        "for d in drafts_of_words(80, 300, seed=3): linter.lint(d)\n"
        "print(json.dumps({'cold': cold, 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if result.returncode:
        print("process: failed:", result.stderr.strip().splitlines()[-1:])
        return
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"cold start (import + load model + first lint): {numbers['cold']:.2f} s")
    print(f"peak RSS after 300 drafts with the model: {numbers['rss_mb']:.0f} MB")


def bench_context() -> None:
    """Extra latency of the checks against the ticket: the same draft linted with and without its context."""
    from linter import Linter
    from linter.context_eval import read_pairs

    pairs = [
        (pair.draft, pair.context)
        for name in ("ticket_pairs", "ticket_pairs_holdout")
        for pair in read_pairs(ROOT / "tests" / "data" / f"{name}.jsonl")
    ]
    seed_context = pairs[0][1]
    pairs += [(draft, seed_context) for draft in drafts_of_words(80, 100, seed=11)]
    linters = {"rules only": Linter(model=None)}
    if (ROOT / "models" / "replylint-minilm-l1").is_dir():
        linters["rules+model"] = Linter(model="auto")  # sentence scores cached after the warm-up: the difference is the checks
    for name, linter in linters.items():
        for draft, context in pairs:
            linter.lint(draft, context)
            linter.lint(draft)
        extra = []
        for draft, context in pairs:
            # Best of 5 each, interleaved, so machine noise doesn't land on one side.
            without = min(_timed(linter.lint, [draft] * 5))
            with_context = min(_timed(lambda item: linter.lint(*item), [(draft, context)] * 5))  # noqa: B023 - called right here
            extra.append(with_context - without)
        p50, p99 = _percentiles(extra)
        mean = statistics.fmean(extra) * 1000
        print(
            f"context checks, {name}, {len(pairs)} drafts: extra per draft mean {mean:.3f} ms, p50 {p50:.3f} ms, p99 {p99:.3f} ms (target 2 ms)"
        )


def main() -> None:
    print("== linter ==")
    bench_context()
    bench_rules()
    bench_model(threads=1)
    bench_model(threads=2)
    bench_rewrite()
    bench_batch()
    bench_pytorch()
    bench_process()


if __name__ == "__main__":
    main()
