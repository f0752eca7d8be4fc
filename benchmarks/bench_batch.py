"""Batch scoring throughput: ``replylint batch`` with 1 and 2 worker processes on a 10,000-reply
JSONL file (rules + the int8 model, rewrites included), the Spark path in local mode, and how long
a browser takes to open the HTML report for 1,000 replies.

The replies are dev-set drafts of about 80 words (``drafts_of_words``), each personalised with a
name and an order number the way an archive of sent replies is, so most are distinct texts; the
share of scored sentences that repeat, which the model's cache then skips, is printed.
``BATCH_BENCH_REPLIES`` (default 10000) changes the file size.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .drafts import drafts_of_words

NAMES = ("Dana", "Omar", "Lena", "Priya", "Kenji", "María", "Noor", "Tomasz", "Aisha", "Liam", "Zoë", "Sven")


def archive_texts(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for draft in drafts_of_words(80, count, seed=seed):
        name = rng.choice(NAMES)
        order = rng.randrange(100000, 999999)
        texts.append(f"Hi {name},\n\nThanks for writing about order #{order}. {draft}")
    return texts


def repeated_sentence_share(texts: list[str]) -> float:
    """Share of scored sentences that already appeared (the model's cache skips encoding them)."""
    from linter.nlp import english
    from linter.segments import scoring_pairs, sentence_ranges

    nlp = english()
    sentences = [
        sentence
        for doc in nlp.pipe(texts[:2000], batch_size=64)
        for _, (sentence, _) in scoring_pairs(doc.text, sentence_ranges(doc))
    ]
    return 1 - len(set(sentences)) / max(len(sentences), 1)


def _timed_run(path: Path, workers: int) -> float:
    """Wall time of ``replylint batch`` in a fresh process, as a user runs it (imports and model
    loading included, for 1 worker as for several)."""
    output = path.with_suffix(f".w{workers}.jsonl")
    output.unlink(missing_ok=True)
    command = [sys.executable, "-m", "linter.cli", "batch", str(path), "--output", str(output), "--workers", str(workers)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise RuntimeError(f"replylint batch failed ({result.returncode}): {result.stderr[-500:]}")
    return elapsed


def bench_workers(path: Path, count: int, workers: int) -> tuple[float, float]:
    """Replies per second with start-up included, and without it: the start-up (imports, and loading
    spaCy and the model in every worker) is measured on a 64-reply file and taken off."""
    head = path.with_name(f"head-{workers}.jsonl")
    head.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:64]), encoding="utf-8")
    start_up = _timed_run(head, workers)
    elapsed = _timed_run(path, workers)
    rate, steady = count / elapsed, (count - 64) / max(elapsed - start_up, 1e-9)
    print(
        f"batch, {count:,} replies, rules + model + rewrites, {workers} worker(s): {rate:,.0f} replies/s "
        f"({elapsed:.1f} s, start-up included); {steady:,.0f} replies/s after start-up ({start_up:.1f} s for 64 replies)"
    )
    return rate, steady


def bench_spark(path: Path, count: int) -> None:
    try:
        import pandas as pd

        from linter.batch import LinterSpec
        from linter.batch.spark import local_session, score_archive
    except ImportError as err:
        print(f"spark: skipped ({err}; pip install 'replylint[spark]')")
        return
    archive = path.with_suffix(".parquet")
    pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]).to_parquet(archive)
    spark = local_session("local[2]", app_name="replylint-bench")
    try:
        started = time.perf_counter()
        target = score_archive(spark, str(archive), spec=LinterSpec(), mode="overwrite")
        elapsed = time.perf_counter() - started
        rows = spark.read.parquet(target).count()
    finally:
        spark.stop()
    print(
        f"spark local[2], {rows:,} replies from Parquet, rules + model + rewrites: {rows / elapsed:,.0f} replies/s ({elapsed:.1f} s)"
    )


def bench_report(path: Path, work: Path) -> None:
    from linter.batch import BatchOptions, LinterSpec, run_batch

    small = work / "thousand.jsonl"
    small.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:1000]), encoding="utf-8")
    report = work / "report.html"
    run_batch(BatchOptions(input=small, report=report, linter=LinterSpec()))
    size = report.stat().st_size / 1e6
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        print(f"HTML report, 1,000 replies: {size:.1f} MB (no Chromium to time opening it)")
        return
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", report.as_uri()]
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "about:blank"], capture_output=True, timeout=120
    )
    blank_started = time.perf_counter()
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "about:blank"], capture_output=True, timeout=120
    )
    blank = time.perf_counter() - blank_started
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    print(
        f"HTML report, 1,000 replies ({size:.1f} MB): headless Chromium loads and renders it in {elapsed:.2f} s "
        f"({max(elapsed - blank, 0):.2f} s more than an empty page)"
    )


def main() -> None:
    print("== batch ==")
    count = int(os.environ.get("BATCH_BENCH_REPLIES", "10000"))
    with tempfile.TemporaryDirectory(prefix="replylint-batch-bench-") as folder:
        work = Path(folder)
        path = work / "archive.jsonl"
        texts = archive_texts(count)
        with open(path, "w", encoding="utf-8") as handle:
            for number, text in enumerate(texts):
                handle.write(json.dumps({"id": f"reply-{number:06d}", "text": text}, ensure_ascii=False) + "\n")
        print(f"{count:,} replies of about 95 words; repeated sentences: {repeated_sentence_share(texts):.0%}")
        one = bench_workers(path, count, 1)
        two = bench_workers(path, count, 2)
        print(f"scaling from 1 to 2 workers: {two[0] / one[0]:.2f}x start-up included, {two[1] / one[1]:.2f}x after start-up")
        bench_spark(path, count)
        bench_report(path, work)


if __name__ == "__main__":
    main()
