"""The ``replylint batch`` subcommand: arguments and the run (``linter/cli.py`` registers it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .formats import FORMATS
from .run import FAIL_LEVELS, BatchOptions, run_batch, use_progress
from .runner import LinterSpec

EPILOG = """exit codes: 0 done; 1 a reply crosses --fail-on; 2 a malformed record (an error row was written) or a usage error.
examples:
  replylint batch macros.json --output results.jsonl --report report.html
  replylint batch replies/ --sarif replylint.sarif --fail-on error
  replylint batch archive.csv --text-column body --workers 2 --output scores.csv --resume
  replylint batch macros.json --fix macros.fixed.json
  replylint batch archive.parquet --engine spark --text-column body"""


def add_batch_parser(commands: argparse._SubParsersAction) -> None:
    batch = commands.add_parser(
        "batch",
        help="score a helpdesk export, CSV, JSONL or folder of replies; reports, SARIF, fixes written back",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("input", type=Path, help="the export file or folder (Parquet/CSV archives with --engine spark)")
    batch.add_argument("--format", choices=("auto", *FORMATS), default="auto", help="input format (default: detected)")
    batch.add_argument("--id-column", help="CSV column with the reply id (default: id, name, title ...)")
    batch.add_argument("--text-column", help="CSV column with the reply text (default: text, body, content ...)")
    batch.add_argument("--output", type=Path, help="every result, one per reply: .jsonl (default) or .csv")
    batch.add_argument("--report", type=Path, help="a self-contained HTML report")
    batch.add_argument("--sarif", type=Path, help="SARIF 2.1.0 (input must be a folder of reply files)")
    batch.add_argument(
        "--fix", type=Path, metavar="OUT", help="write the input back in its format with flagged replies rewritten"
    )
    batch.add_argument("--fail-on", choices=FAIL_LEVELS, help="exit 1 when any reply has a finding at this severity or worse")
    batch.add_argument("--workers", type=int, default=1, help="worker processes, one linter each (default 1; use one per core)")
    batch.add_argument("--resume", action="store_true", help="continue an interrupted run from the rows already in --output")
    batch.add_argument("--progress", choices=("auto", "always", "never"), default="auto", help="progress bar on stderr")
    batch.add_argument("--top", type=int, default=15, help="how many of the worst replies the summary lists")
    batch.add_argument("--rules-only", action="store_true", help="skip the classifier; rules alone")
    batch.add_argument("--model-dir", type=Path, help="model folder (default: the shipped model)")
    batch.add_argument(
        "--engine", choices=("local", "spark"), default="local", help="spark: score a Parquet/CSV archive with Spark"
    )
    batch.add_argument("--spark-master", default=None, help="Spark master URL (default: SPARK_MASTER or local[*])")


def run_batch_command(args: argparse.Namespace) -> int:
    spec = LinterSpec(model_dir=str(args.model_dir) if args.model_dir else None, rules_only=args.rules_only)
    if args.engine == "spark":
        from .spark import run_spark_command

        return run_spark_command(args, spec)
    options = BatchOptions(
        input=args.input,
        format=args.format,
        id_column=args.id_column,
        text_column=args.text_column,
        output=args.output,
        report=args.report,
        sarif=args.sarif,
        fix=args.fix,
        fail_on=args.fail_on,
        workers=args.workers,
        resume=args.resume,
        progress=use_progress(args.progress),
        linter=spec,
        worst=args.top,
        own_process=True,
    )
    result = run_batch(options)
    print(result.summary.render())
    if result.resumed:
        print(f"\nresumed: {result.resumed:,} rows from {args.output}, {result.scored:,} scored now", file=sys.stderr)
    written = [
        f"{name} {path}"
        for name, path in (("results", args.output), ("report", args.report), ("SARIF", args.sarif), ("fixes", args.fix))
        if path
    ]
    if written:
        print("\nwrote " + ", ".join(written), file=sys.stderr)
    return result.exit_code(args.fail_on)
