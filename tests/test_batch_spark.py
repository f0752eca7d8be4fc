"""The Spark path in local mode: a small Parquet and CSV archive scored by the pandas UDF gives the
same results as scoring the same replies in this process, written as Parquet next to the archive."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from linter import Linter
from linter.batch import LinterSpec
from linter.batch.spark import local_session, result_rows, score_archive, summarize

BATCH = Path(__file__).resolve().parent / "data" / "batch"


def archive_rows() -> list[dict]:
    rows = []
    for line in (BATCH / "replies.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        text = record["text"] if isinstance(record["text"], str) else None
        rows.append({"reply_id": f"{record['id']}", "channel": record.get("channel"), "body": text})
    csv_frame = pd.read_csv(BATCH / "replies.csv", on_bad_lines="skip", dtype=str)
    rows += [{"reply_id": r.id, "channel": "macro", "body": r.body} for r in csv_frame.itertuples()]
    return rows


@pytest.fixture(scope="module")
def spark():
    session = local_session("local[2]", app_name="replylint-tests")
    yield session
    session.stop()


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_batch_spark_scores_an_archive_like_the_local_run(tmp_path, spark, kind):
    frame = pd.DataFrame(archive_rows())
    archive = tmp_path / f"archive.{kind}"
    if kind == "parquet":
        frame.to_parquet(archive)
    else:
        frame.to_csv(archive, index=False)
    target = score_archive(spark, str(archive), text_column="body", id_column="reply_id", spec=LinterSpec(rules_only=True))
    assert target == f"{archive}.replylint.parquet" and Path(target).is_dir()
    results = pd.read_parquet(target).set_index("id")
    expected = result_rows(Linter(model=None), [None if pd.isna(t) else t for t in frame["body"]])
    assert sorted(results.index) == sorted(frame["reply_id"])
    assert "body" not in results.columns  # the reply text is not copied into the results
    for reply_id, want in zip(frame["reply_id"], expected, strict=True):
        got = results.loc[reply_id]
        assert got["error_code"] == want["error_code"] or (pd.isna(got["error_code"]) and want["error_code"] is None)
        assert list(got["labels"]) == want["labels"]
        if want["findings"] is not None:
            assert json.loads(got["findings"]) == json.loads(want["findings"])
            assert got["fix_text"] == want["fix_text"] or (pd.isna(got["fix_text"]) and want["fix_text"] is None)
    counts = summarize(spark, target)
    assert counts["replies"] == len(frame) and counts["errors"] == 1  # r-004's text is not a string
    assert counts["labels"]["closes_the_door"] >= 1
