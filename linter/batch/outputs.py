"""Result rows written as JSONL or CSV, read back to resume, and the terminal summary.

Rows go out one at a time in input order and are flushed, so an interrupted run leaves a prefix
of complete rows (plus at most one partial row, which a resumed run cuts off and writes again).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..report import SEVERITY_RANK
from ..taxonomy import LABEL_IDS

CSV_COLUMNS = (
    "index",
    "id",
    "verdict",
    "score",
    "severity",
    "labels",
    "findings_count",
    "error_code",
    "error_message",
    "findings",
    "fix",
)


class JsonlOutput:
    def __init__(self, path: Path, *, append: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "a" if append else "w", encoding="utf-8", errors="surrogatepass")  # noqa: SIM115

    def write(self, row: dict[str, Any]) -> None:
        self.handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()

    @staticmethod
    def completed(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
        """(end byte offset, row) for every complete row at the start of the file."""
        offset = 0
        with open(path, "rb") as handle:
            for line in handle:
                if not line.endswith(b"\n"):
                    return
                try:
                    row = json.loads(line)
                except ValueError:
                    return
                offset += len(line)
                yield offset, row


class CsvOutput:
    """One line per reply; ``findings`` and ``fix`` are JSON in their cells, so nothing is lost."""

    def __init__(self, path: Path, *, append: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle: TextIO = open(path, "a" if append else "w", encoding="utf-8", newline="", errors="surrogatepass")  # noqa: SIM115
        self.writer = csv.writer(self.handle, lineterminator="\n")
        if not append:
            self.writer.writerow(CSV_COLUMNS)

    def write(self, row: dict[str, Any]) -> None:
        error = row.get("error") or {}
        self.writer.writerow(
            [
                row["index"],
                row["id"],
                row.get("verdict", ""),
                row.get("score", ""),
                row.get("severity") or "",
                ";".join(row.get("labels", [])),
                len(row.get("findings", [])),
                error.get("code", ""),
                error.get("message", ""),
                json.dumps(row.get("findings", []), ensure_ascii=False),
                json.dumps(row.get("fix"), ensure_ascii=False),
            ]
        )
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()

    @staticmethod
    def completed(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
        with open(path, "rb") as handle:
            lines = _CountedLines(handle)
            reader = csv.reader((line for line, _ in lines), strict=True)
            try:
                next(reader)  # header
                for cells in reader:
                    end = lines.offset
                    if not lines.last_complete or len(cells) != len(CSV_COLUMNS):
                        return
                    yield end, _csv_row(cells)
            except (csv.Error, ValueError):
                return


class _CountedLines:
    """Decoded lines of a binary file, tracking the byte offset after the last line handed out."""

    def __init__(self, handle: Any) -> None:
        self.handle, self.offset, self.last_complete = handle, 0, True

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for raw in self.handle:
            self.offset += len(raw)
            self.last_complete = raw.endswith(b"\n")
            yield raw.decode("utf-8", "surrogatepass"), self.offset


def _csv_row(cells: list[str]) -> dict[str, Any]:
    values = dict(zip(CSV_COLUMNS, cells, strict=True))
    row: dict[str, Any] = {"index": int(values["index"]), "id": values["id"]}
    if values["error_code"]:
        row["error"] = {"code": values["error_code"], "message": values["error_message"]}
        return row
    row.update(
        verdict=values["verdict"],
        score=float(values["score"]),
        labels=[label for label in values["labels"].split(";") if label],
        severity=values["severity"] or None,
        findings=json.loads(values["findings"]),
        fix=json.loads(values["fix"]),
    )
    return row


def output_kind(path: Path) -> type[JsonlOutput] | type[CsvOutput]:
    return CsvOutput if path.suffix.lower() == ".csv" else JsonlOutput


def completed_rows(path: Path) -> tuple[int, int]:
    """How many complete rows ``path`` holds and where they end (bytes); what follows is cut off on resume."""
    count, end = 0, 0
    if output_kind(path) is CsvOutput:
        with open(path, "rb") as handle:
            end = len(handle.readline())  # the header survives even with no rows
    for row_end, _ in output_kind(path).completed(path):
        count, end = count + 1, row_end
    return count, end


def truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(size)
        os.fsync(handle.fileno())


class Summary:
    """Counts for the terminal, the worst replies first, and the exit decision. Constant memory."""

    def __init__(self, worst: int = 15) -> None:
        self.replies = self.flagged = self.errors = 0
        self.verdicts: Counter[str] = Counter()
        self.replies_per_label: Counter[str] = Counter()
        self.findings_per_label: Counter[str] = Counter()
        self.severities: Counter[str] = Counter()
        self.fixed = 0
        self.keep = worst
        self.worst: list[tuple[tuple[int, float, int], dict[str, Any]]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.replies += 1
        if "error" in row:
            self.errors += 1
            return
        self.verdicts[row["verdict"]] += 1
        if not row["findings"]:
            return
        self.flagged += 1
        self.severities[row["severity"]] += 1
        self.replies_per_label.update(row["labels"])
        self.findings_per_label.update(f["label"] for f in row["findings"])
        if (row.get("fix") or {}).get("text") is not None:
            self.fixed += 1
        key = (SEVERITY_RANK[row["severity"]], -row["score"], row["index"])
        self.worst.append((key, {"id": row["id"], "verdict": row["verdict"], "score": row["score"], "labels": row["labels"]}))
        if len(self.worst) > 4 * self.keep:
            self.worst = sorted(self.worst, key=lambda item: item[0])[: self.keep]

    def worst_replies(self) -> list[dict[str, Any]]:
        return [entry for _, entry in sorted(self.worst, key=lambda item: item[0])[: self.keep]]

    def crosses(self, level: str) -> bool:
        """Whether any reply has a finding at ``level`` or worse (warning: warnings and errors)."""
        limit = SEVERITY_RANK[level]
        return any(count and SEVERITY_RANK[severity] <= limit for severity, count in self.severities.items())

    def labels_by_count(self) -> list[tuple[str, int, int]]:
        return [(label, self.replies_per_label[label], self.findings_per_label[label]) for label in LABEL_IDS]

    def render(self) -> str:
        lines = [
            f"{self.replies:,} replies: {self.flagged:,} flagged ({self.verdicts['fail']:,} fail, {self.verdicts['warn']:,} warn), "
            f"{self.verdicts['pass']:,} clean, {self.errors:,} malformed; {self.fixed:,} with a rewrite to write back",
        ]
        if self.flagged:
            lines.append("\nproblems per label (replies / findings):")
            for label, replies, findings in sorted(self.labels_by_count(), key=lambda item: -item[1]):
                if replies:
                    lines.append(f"  {label:<22} {replies:>7,} / {findings:,}")
            lines.append("\nworst first:")
            for entry in self.worst_replies():
                lines.append(f"  {entry['verdict']:<4} {entry['score']:.2f}  {entry['id']}  {', '.join(entry['labels'])}")
        return "\n".join(lines)


def print_summary(summary: Summary, stream: TextIO = sys.stdout) -> None:
    print(summary.render(), file=stream)
