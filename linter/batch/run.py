"""``replylint batch``: read an export, score every reply, write the outputs, decide the exit code.

Every sink (result rows, terminal summary, HTML report, SARIF, fixes written back) sees every
reply in input order. A resumed run re-reads the rows already in ``--output`` (cutting off a row
left half-written by the interruption), checks they belong to this input, hands them to the other
sinks as if just scored, and scores only the rest.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Errors, ReplylintError
from .formats import open_format
from .html_report import HtmlReport
from .outputs import Summary, completed_rows, output_kind, truncate
from .runner import LinterSpec, Progress, score_replies
from .sarif import SarifLog

FAIL_LEVELS = ("warning", "error")


@dataclass(frozen=True)
class BatchOptions:
    input: Path
    format: str | None = None
    id_column: str | None = None
    text_column: str | None = None
    output: Path | None = None
    report: Path | None = None
    sarif: Path | None = None
    fix: Path | None = None
    fail_on: str | None = None
    workers: int = 1
    resume: bool = False
    progress: bool = False
    linter: LinterSpec = field(default_factory=LinterSpec)
    worst: int = 15
    # The process is the run's own (the CLI): its linter's objects may leave the garbage collector's
    # reach once built. Never for a caller's process, whose objects would be frozen with them.
    own_process: bool = False


@dataclass(frozen=True)
class BatchResult:
    summary: Summary
    resumed: int  # rows taken from the earlier run
    scored: int  # rows scored by this run

    def exit_code(self, fail_on: str | None) -> int:
        """2 when a record was malformed, 1 when a reply crosses ``fail_on``, else 0."""
        if self.summary.errors:
            return 2
        return 1 if fail_on and self.summary.crosses(fail_on) else 0


def run_batch(options: BatchOptions) -> BatchResult:
    fmt = open_format(options.input, options.format, id_column=options.id_column, text_column=options.text_column)
    _check_options(options, fmt.name)
    done = 0
    if options.resume:
        if options.output is None:
            raise ReplylintError(Errors.E506)
        if options.output.exists():
            done, end = completed_rows(options.output)
            truncate(options.output, end)
    elif options.output is not None and options.output.exists():
        raise ReplylintError(Errors.E505, path=options.output)

    summary = Summary(options.worst)
    report = HtmlReport(options.report, options.input.name) if options.report else None
    sarif = SarifLog(options.sarif, _version()) if options.sarif else None
    fixer = fmt.fix_writer(options.input, options.fix) if options.fix else None
    progress = Progress(fmt.count(options.input) if options.progress else None, enabled=options.progress)

    def feed(reply: Any, row: dict[str, Any]) -> None:
        summary.add(row)
        if report:
            report.write(reply, row)
        if sarif:
            sarif.write(reply, row)
        if fixer:
            fixer.write(reply, (row.get("fix") or {}).get("text"))
        progress.advance()

    replies = iter(fmt.replies(options.input))
    if done:
        earlier = (row for _, row in output_kind(options.output).completed(options.output))
        for reply, row in zip(itertools.islice(replies, done), earlier, strict=True):
            if str(row["id"]) != reply.id or row["index"] != reply.index:
                raise ReplylintError(Errors.E507, row=row["index"] + 1, path=options.output, found=row["id"], expected=reply.id)
            feed(reply, row)
    output = output_kind(options.output)(options.output, append=done > 0) if options.output else None
    scored = 0
    try:
        for reply, row in score_replies(replies, options.linter, workers=options.workers, own_process=options.own_process):
            if output:
                output.write(row)
            feed(reply, row)
            scored += 1
    finally:
        if output:
            output.close()
        progress.close()
    if fixer:
        fixer.close()
    if report:
        report.close(summary)
    if sarif:
        sarif.close(options.input)
    return BatchResult(summary, done, scored)


def _check_options(options: BatchOptions, format_name: str) -> None:
    if options.sarif and format_name != "dir":
        raise ReplylintError(
            Errors.E508, option="--sarif", needs="a directory of reply files as input", got=f"a {format_name} export"
        )
    if options.fix and options.fix.resolve() == options.input.resolve():
        raise ReplylintError(
            Errors.E508, option="--fix", needs="a new path (the input is never overwritten)", got=str(options.fix)
        )
    if options.fail_on is not None and options.fail_on not in FAIL_LEVELS:
        raise ReplylintError(Errors.E508, option="--fail-on", needs=" or ".join(FAIL_LEVELS), got=options.fail_on)
    if options.workers < 1:
        raise ReplylintError(Errors.E508, option="--workers", needs="at least 1", got=options.workers)


def _version() -> str:
    from .. import __version__

    return __version__


def use_progress(mode: str) -> bool:
    return mode == "always" or (mode == "auto" and sys.stderr.isatty())
