"""Score an archive of historical replies with Spark, for archives that outgrow one machine.

``score_archive(spark, "s3://bucket/replies.parquet", text_column="body")`` reads a Parquet or CSV
archive, scores every reply with a pandas UDF and writes the results as Parquet next to it
(``<archive>.replylint.parquet``): the id, verdict, score, worst severity, labels, findings (JSON,
offsets into the stored text) and the whole-reply rewrite, never the reply text itself.

The UDF is an iterator-of-Series pandas UDF: each Python worker builds its ``Linter`` (rules and
the int8 model) once and reuses it for every batch of every task it runs (Spark reuses Python
workers by default), scoring Arrow batches with batched spaCy and model calls. Set one
onnxruntime thread per worker and one Spark core per task; ``docs/batch.md`` shows a cluster setup.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd  # the spark extra; resolves the UDF's type hints

from ..errors import Errors, ReplylintError
from .runner import LinterSpec
from .score import score_texts
from .view import looks_like_html

RESULT_FIELDS = (
    ("verdict", "string"),
    ("score", "double"),
    ("severity", "string"),
    ("labels", "array<string>"),
    ("findings_count", "int"),
    ("findings", "string"),
    ("fix_text", "string"),
    ("error_code", "string"),
    ("error_message", "string"),
)
RESULT_SCHEMA = ", ".join(f"{name} {kind}" for name, kind in RESULT_FIELDS)
UDF_CHUNK = 64


def _require_pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise ReplylintError(Errors.E509, reason=str(err)) from err
    return SparkSession


def local_session(master: str | None = None, app_name: str = "replylint"):
    """A Spark session: ``master`` or ``SPARK_MASTER`` or ``local[*]``; workers run this Python."""
    session = _require_pyspark()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        session.builder.master(master or os.environ.get("SPARK_MASTER") or "local[*]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.executorEnv.REPLYLINT_MODEL_THREADS", "1")
        .config("spark.python.worker.reuse", "true")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def result_rows(linter: Any, texts: list[Any]) -> list[dict[str, Any]]:
    """One flat result per text (None or a non-string becomes an error row)."""
    items = [(text, looks_like_html(text)) if isinstance(text, str) else (None, False) for text in texts]
    scored = score_texts(linter, items)
    flat = []
    for text, row in zip(texts, scored, strict=True):
        if not isinstance(text, str):
            row = {"error": {"code": "E002", "message": Errors.E002.format(type_name=type(text).__name__)}}
        error = row.get("error") or {}
        flat.append(
            {
                "verdict": row.get("verdict"),
                "score": row.get("score"),
                "severity": row.get("severity"),
                "labels": row.get("labels", []),
                "findings_count": len(row.get("findings", [])),
                "findings": json.dumps(row["findings"], ensure_ascii=False) if "findings" in row else None,
                "fix_text": (row.get("fix") or {}).get("text"),
                "error_code": error.get("code"),
                "error_message": error.get("message"),
            }
        )
    return flat


def make_udf(spec: LinterSpec):
    """The pandas UDF: text column in, a struct of results out."""
    from pyspark.sql.functions import pandas_udf

    @pandas_udf(RESULT_SCHEMA)
    def replylint_score(batches: Iterator[pd.Series]) -> Iterator[pd.DataFrame]:
        os.environ["REPLYLINT_MODEL_THREADS"] = "1"
        linter = spec.build()  # once per Python worker: cached across batches and tasks
        for texts in batches:
            values = [None if (v is None or (isinstance(v, float) and v != v)) else v for v in texts.tolist()]
            rows: list[dict[str, Any]] = []
            for start in range(0, len(values), UDF_CHUNK):
                rows.extend(result_rows(linter, values[start : start + UDF_CHUNK]))
            yield pd.DataFrame(rows, columns=[name for name, _ in RESULT_FIELDS])

    return replylint_score


def read_archive(spark: Any, path: str, fmt: str | None = None):
    fmt = fmt or ("csv" if str(path).rstrip("/").lower().endswith(".csv") else "parquet")
    if fmt == "csv":
        return spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(str(path))
    return spark.read.parquet(str(path))


def default_output(path: str) -> str:
    return str(path).rstrip("/") + ".replylint.parquet"


def score_archive(
    spark: Any,
    path: str,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    output: str | None = None,
    fmt: str | None = None,
    spec: LinterSpec | None = None,
    mode: str = "error",
) -> str:
    """Score every reply of a Parquet/CSV archive and write the results as Parquet; returns its path."""
    from pyspark.sql import functions as F

    frame = read_archive(spark, path, fmt)
    columns = frame.columns
    if text_column not in columns:
        raise ReplylintError(Errors.E504, path=path, column=text_column, columns=", ".join(columns))
    if id_column is not None and id_column not in columns:
        raise ReplylintError(Errors.E504, path=path, column=id_column, columns=", ".join(columns))
    score = make_udf(spec or LinterSpec())
    ids = [F.col(id_column).cast("string").alias("id")] if id_column else [F.monotonically_increasing_id().alias("id")]
    results = frame.select(*ids, score(F.col(text_column)).alias("result")).select("id", "result.*")
    target = output or default_output(path)
    if mode == "error" and "://" not in target and Path(target).exists():
        # Checked before Spark starts work it would throw away at the end.
        raise ReplylintError(Errors.E508, option="the Spark output", needs="a path that does not exist yet", got=target)
    results.write.mode(mode).parquet(target)
    return target


def summarize(spark: Any, results_path: str) -> dict[str, Any]:
    """Counts for the terminal: replies, verdicts, severities, replies per label, malformed rows."""
    from pyspark.sql import functions as F

    results = spark.read.parquet(results_path)
    verdicts = {row["verdict"]: row["count"] for row in results.groupBy("verdict").count().collect()}
    severities = {row["severity"]: row["count"] for row in results.groupBy("severity").count().collect() if row["severity"]}
    labels = {
        row["label"]: row["count"]
        for row in results.select(F.explode("labels").alias("label")).groupBy("label").count().collect()
    }
    return {
        "replies": sum(verdicts.values()),
        "verdicts": {k: v for k, v in verdicts.items() if k},
        "errors": verdicts.get(None, 0),
        "severities": severities,
        "labels": labels,
    }


def run_spark_command(args: Any, spec: LinterSpec) -> int:
    """``replylint batch ARCHIVE --engine spark``: score, write the Parquet results, print the counts."""
    from ..report import SEVERITY_RANK

    spark = local_session(args.spark_master)
    try:
        fmt = None if args.format in (None, "auto") else args.format
        if fmt not in (None, "csv", "parquet"):
            raise ReplylintError(Errors.E508, option="--engine spark", needs="a Parquet or CSV archive", got=f"--format {fmt}")
        target = score_archive(
            spark,
            str(args.input),
            text_column=args.text_column or "text",
            id_column=args.id_column or "id",
            output=str(args.output) if args.output else None,
            fmt=fmt,
            spec=spec,
        )
        counts = summarize(spark, target)
    finally:
        spark.stop()
    verdicts = counts["verdicts"]
    print(
        f"{counts['replies']:,} replies: {verdicts.get('fail', 0) + verdicts.get('warn', 0):,} flagged "
        f"({verdicts.get('fail', 0):,} fail, {verdicts.get('warn', 0):,} warn), {verdicts.get('pass', 0):,} clean, "
        f"{counts['errors']:,} malformed"
    )
    for label, count in sorted(counts["labels"].items(), key=lambda item: -item[1]):
        print(f"  {label:<22} {count:>9,}")
    print(f"\nwrote results {target}", file=sys.stderr)
    if counts["errors"]:
        return 2
    if args.fail_on and any(SEVERITY_RANK[s] <= SEVERITY_RANK[args.fail_on] for s in counts["severities"]):
        return 1
    return 0


__all__ = ["local_session", "make_udf", "read_archive", "score_archive", "summarize"]
