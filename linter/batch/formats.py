"""Reply exports, read one reply at a time and written back with fixes in their own format.

Each format reads ``Reply`` records in input order (a malformed record becomes a ``Reply`` with an
``error``, so the run goes on) and opens a ``FixWriter`` that writes the input back with fixed
texts swapped in and everything else left as it was. CSV, JSONL and directories stream; the
helpdesk JSON exports (Zendesk macros, Freshdesk canned responses, Help Scout saved replies) are
single JSON documents of at most a few thousand replies and are read whole.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import Errors, ReplylintError
from .view import html_view, looks_like_html

REPLY_SUFFIXES = (".txt", ".md", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
TEXT_COLUMNS = ("text", "body", "content", "reply", "message", "comment", "content_html", "html")
ID_COLUMNS = ("id", "reply_id", "macro_id", "response_id", "ticket_id", "name", "title")


@dataclass(frozen=True)
class Reply:
    """One stored reply: where it is (``locator``, format-specific), its text, and whether that text is HTML."""

    index: int
    id: str
    text: str | None
    is_html: bool = False
    locator: Any = None
    error: tuple[str, str] | None = None  # (code, message) for a malformed record

    @staticmethod
    def malformed(index: int, reply_id: str, err: ReplylintError, locator: Any = None) -> Reply:
        return Reply(index, reply_id, None, locator=locator, error=(err.code, err.message))


class FixWriter(Protocol):
    def write(self, reply: Reply, fixed: str | None) -> None: ...
    def close(self) -> None: ...


class Format(Protocol):
    name: str

    def replies(self, path: Path) -> Iterator[Reply]: ...
    def count(self, path: Path) -> int | None: ...
    def fix_writer(self, path: Path, out: Path) -> FixWriter: ...


# --- the helpdesk JSON exports ------------------------------------------------------------------


def _load_json(path: Path, fmt: str) -> Any:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return json.load(handle)
    except UnicodeDecodeError as err:
        raise ReplylintError(Errors.E003, path=path, position=err.start) from err
    except json.JSONDecodeError as err:
        raise ReplylintError(Errors.E502, path=path, format=fmt, reason=f"invalid JSON at line {err.lineno}: {err.msg}") from err
    except OSError as err:
        raise ReplylintError(Errors.E004, path=path, reason=err.strerror or str(err)) from err


def _write_json(data: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _record_id(record: Any, position: int, *keys: str) -> str:
    if isinstance(record, dict):
        for key in keys:
            if record.get(key) is not None:
                return str(record[key])
    return f"#{position + 1}"


class _JsonExport:
    """A helpdesk export: a list of records, each with an HTML field and/or a plain-text field."""

    name = ""
    list_keys: tuple[str, ...] = ()
    html_field = ""
    text_field = ""

    def items(self, data: Any, path: Path) -> list[Any]:
        if isinstance(data, list):
            return data
        if isinstance(data, dict):
            for key in self.list_keys:
                node: Any = data
                for part in key.split("."):
                    node = node.get(part) if isinstance(node, dict) else None
                if isinstance(node, list):
                    return node
        raise ReplylintError(
            Errors.E502, path=path, format=self.name, reason=f"expected a list or an object with {' or '.join(self.list_keys)}"
        )

    def replies(self, path: Path) -> Iterator[Reply]:
        for position, record in enumerate(self.items(_load_json(path, self.name), path)):
            reply_id = _record_id(record, position, "id", "title", "name")
            try:
                located = self.locate(record, path, position)
            except ReplylintError as err:
                yield Reply.malformed(position, reply_id, err, locator=position)
                continue
            if located is None:
                continue  # a record that sends no reply text (a macro that only sets fields)
            text, is_html, locator = located
            yield Reply(position, reply_id, text, is_html or looks_like_html(text), locator)

    def locate(self, record: Any, path: Path, position: int) -> tuple[str, bool, Any] | None:
        if not isinstance(record, dict):
            raise self.bad(path, position, f"expected an object, got {type(record).__name__}")
        for field, is_html in ((self.html_field, True), (self.text_field, False)):
            value = record.get(field)
            if value is None:
                continue
            if not isinstance(value, str):
                raise self.bad(path, position, f"'{field}' must be a string, got {type(value).__name__}")
            return value, is_html, (position, field)
        raise self.bad(path, position, f"no '{self.html_field}' or '{self.text_field}'")

    def bad(self, path: Path, position: int, reason: str) -> ReplylintError:
        return ReplylintError(Errors.E503, where=f"Record {position + 1}", path=path, reason=reason)

    def count(self, path: Path) -> int | None:
        return None  # read whole; counted as they come

    def fix_writer(self, path: Path, out: Path) -> FixWriter:
        return _JsonFixWriter(self, path, out)

    def apply_fix(self, record: dict[str, Any], locator: Any, fixed: str) -> None:
        _, field = locator
        record[field] = fixed
        if field == self.html_field and isinstance(record.get(self.text_field), str):
            record[self.text_field] = html_view(fixed).text  # keep the plain copy in step


class _JsonFixWriter:
    def __init__(self, fmt: _JsonExport, path: Path, out: Path) -> None:
        self.fmt, self.path, self.out = fmt, path, out
        self.fixes: list[tuple[Any, str]] = []

    def write(self, reply: Reply, fixed: str | None) -> None:
        if fixed is not None:
            self.fixes.append((reply.locator, fixed))

    def close(self) -> None:
        data = _load_json(self.path, self.fmt.name)
        items = self.fmt.items(data, self.path)
        for locator, fixed in self.fixes:
            self.fmt.apply_fix(items[locator[0]], locator, fixed)
        _write_json(data, self.out)


class ZendeskMacros(_JsonExport):
    """``{"macros": [{"id", "title", "actions": [{"field": "comment_value_html", "value": ...}]}]}``."""

    name = "zendesk"
    list_keys = ("macros",)
    html_field, text_field = "comment_value_html", "comment_value"

    def locate(self, record: Any, path: Path, position: int) -> tuple[str, bool, Any] | None:
        if not isinstance(record, dict) or not isinstance(record.get("actions"), list):
            raise self.bad(path, position, "a macro needs an 'actions' list")
        found: dict[str, tuple[int, str]] = {}
        for number, action in enumerate(record["actions"]):
            if not isinstance(action, dict) or action.get("field") not in (self.html_field, self.text_field):
                continue
            value = action.get("value")
            # The API gives the comment as a string, or as [channel, text] ("channel:all", ...).
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                value = value[-1]
            if not isinstance(value, str):
                raise self.bad(path, position, f"action {number + 1} ({action['field']}) has no text value")
            found[action["field"]] = (number, value)
        for field, is_html in ((self.html_field, True), (self.text_field, False)):
            if field in found:
                number, value = found[field]
                return value, is_html, (position, number)
        return None

    def apply_fix(self, record: dict[str, Any], locator: Any, fixed: str) -> None:
        actions = record["actions"]
        action = actions[locator[1]]
        _set_action_value(action, fixed)
        if action["field"] == self.html_field:
            for other in actions:
                if isinstance(other, dict) and other.get("field") == self.text_field:
                    _set_action_value(other, html_view(fixed).text)


def _set_action_value(action: dict[str, Any], text: str) -> None:
    if isinstance(action.get("value"), list):
        action["value"] = [*action["value"][:-1], text]
    else:
        action["value"] = text


class FreshdeskCannedResponses(_JsonExport):
    """A list of canned responses (``content_html`` / ``content``), bare or under ``canned_responses``."""

    name = "freshdesk"
    list_keys = ("canned_responses", "responses")
    html_field, text_field = "content_html", "content"


class HelpScoutSavedReplies(_JsonExport):
    """A list of saved replies (``text``, HTML or plain), bare or under ``_embedded.saved-replies``."""

    name = "helpscout"
    list_keys = ("_embedded.saved-replies", "_embedded.savedReplies", "saved_replies", "items")
    html_field, text_field = "text", "text"

    def locate(self, record: Any, path: Path, position: int) -> tuple[str, bool, Any] | None:
        if not isinstance(record, dict):
            raise self.bad(path, position, f"expected an object, got {type(record).__name__}")
        value = record.get("text")
        if not isinstance(value, str):
            raise self.bad(path, position, "a saved reply needs a string 'text'")
        return value, looks_like_html(value), (position, "text")

    def apply_fix(self, record: dict[str, Any], locator: Any, fixed: str) -> None:
        record["text"] = fixed
        if isinstance(record.get("preview"), str):  # the list view's excerpt
            record["preview"] = html_view(fixed).text[: max(len(record["preview"]), 1)]


# --- streaming formats ----------------------------------------------------------------------------


class JsonLines:
    """One ``{"id", "text", ...}`` object per line; other keys are kept when fixes are written back."""

    name = "jsonl"

    def replies(self, path: Path) -> Iterator[Reply]:
        index = 0
        with _open_binary(path) as handle:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                reply_id = f"line {number}"
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                    record = json.loads(line)
                    if isinstance(record, dict) and record.get("id") is not None:
                        reply_id = str(record["id"])
                    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                        raise ReplylintError(
                            Errors.E503, where=f"Line {number}", path=path, reason="expected an object with a string 'text'"
                        )
                except UnicodeDecodeError as err:
                    yield Reply.malformed(
                        index, reply_id, ReplylintError(Errors.E003, path=f"{path}, line {number}", position=err.start), raw
                    )
                except json.JSONDecodeError as err:
                    yield Reply.malformed(
                        index, reply_id, ReplylintError(Errors.E503, where=f"Line {number}", path=path, reason=err.msg), raw
                    )
                except ReplylintError as err:
                    yield Reply.malformed(index, reply_id, err, raw)
                else:
                    yield Reply(index, reply_id, record["text"], looks_like_html(record["text"]), raw)
                index += 1

    def count(self, path: Path) -> int | None:
        with _open_binary(path) as handle:
            return sum(1 for line in handle if line.strip())

    def fix_writer(self, path: Path, out: Path) -> FixWriter:
        return _JsonLinesFixWriter(out)


class _JsonLinesFixWriter:
    def __init__(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(out, "wb")  # noqa: SIM115 - closed in close()

    def write(self, reply: Reply, fixed: str | None) -> None:
        raw: bytes = reply.locator
        if fixed is None:
            self.handle.write(raw if raw.endswith(b"\n") else raw + b"\n")  # untouched, byte for byte
            return
        record = json.loads(raw.decode("utf-8-sig"))
        record["text"] = fixed
        self.handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")

    def close(self) -> None:
        self.handle.close()


class CsvFile:
    """A CSV with a header row; ``id_column``/``text_column`` default to the usual names."""

    name = "csv"

    def __init__(self, id_column: str | None = None, text_column: str | None = None) -> None:
        self.id_column, self.text_column = id_column, text_column

    def columns(self, path: Path, header: list[str]) -> tuple[int | None, int]:
        lowered = [h.strip().lower() for h in header]

        def pick(chosen: str | None, usual: tuple[str, ...]) -> int | None:
            if chosen is not None:
                if chosen not in header:
                    raise ReplylintError(Errors.E504, path=path, column=chosen, columns=", ".join(header))
                return header.index(chosen)
            return next((lowered.index(name) for name in usual if name in lowered), None)

        text_index = pick(self.text_column, TEXT_COLUMNS)
        if text_index is None:
            raise ReplylintError(Errors.E504, path=path, column="text", columns=", ".join(header))
        return pick(self.id_column, ID_COLUMNS), text_index

    def _rows(self, path: Path) -> Iterator[tuple[int, list[str] | ReplylintError]]:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        with open(path, encoding="utf-8-sig", newline="", errors="surrogateescape") as handle:
            reader = csv.reader(handle)
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    yield (
                        reader.line_num,
                        ReplylintError(Errors.E503, where=f"Line {reader.line_num}", path=path, reason=str(err)),
                    )
                    continue
                yield reader.line_num, row

    def replies(self, path: Path) -> Iterator[Reply]:
        rows = self._rows(path)
        header = self._header(path, rows)
        id_index, text_index = self.columns(path, header)
        for index, (line, row) in enumerate(rows):
            if isinstance(row, ReplylintError):
                yield Reply.malformed(index, f"line {line}", row, None)
                continue
            reply_id = row[id_index] if id_index is not None and id_index < len(row) else f"line {line}"
            text = row[text_index] if text_index < len(row) else None
            if len(row) != len(header) or text is None:
                err = ReplylintError(
                    Errors.E503, where=f"Line {line}", path=path, reason=f"{len(row)} fields where the header has {len(header)}"
                )
                yield Reply.malformed(index, reply_id, err, row)
            elif _has_surrogates(text):
                err = ReplylintError(Errors.E503, where=f"Line {line}", path=path, reason="the text is not valid UTF-8")
                yield Reply.malformed(index, reply_id, err, row)
            else:
                yield Reply(index, reply_id, text, looks_like_html(text), row)

    def _header(self, path: Path, rows: Iterator[tuple[int, list[str] | ReplylintError]]) -> list[str]:
        first = next(rows, None)
        if first is None or isinstance(first[1], ReplylintError) or not first[1]:
            raise ReplylintError(
                Errors.E502, path=path, format="CSV", reason="the first line must be a header row naming the columns"
            )
        return first[1]

    def count(self, path: Path) -> int | None:
        return max(0, sum(1 for _ in self._rows(path)) - 1)

    def fix_writer(self, path: Path, out: Path) -> FixWriter:
        return _CsvFixWriter(self, path, out)


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


class _CsvFixWriter:
    def __init__(self, fmt: CsvFile, path: Path, out: Path) -> None:
        rows = fmt._rows(path)
        header = fmt._header(path, rows)
        _, self.text_index = fmt.columns(path, header)
        with open(path, "rb") as handle:
            newline = "\r\n" if handle.readline().endswith(b"\r\n") else "\n"
        out.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(out, "w", encoding="utf-8", newline="", errors="surrogateescape")  # noqa: SIM115
        self.writer = csv.writer(self.handle, lineterminator=newline)
        self.writer.writerow(header)

    def write(self, reply: Reply, fixed: str | None) -> None:
        if reply.locator is None:  # a line the CSV parser could not read: nothing to write back
            return
        row = list(reply.locator)
        if fixed is not None:
            row[self.text_index] = fixed
        self.writer.writerow(row)

    def close(self) -> None:
        self.handle.close()


class ReplyDirectory:
    """A folder of ``.txt``/``.md``/``.html`` files, one reply each; the id is the relative path."""

    name = "dir"

    def files(self, path: Path) -> list[Path]:
        return sorted(
            (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPLY_SUFFIXES),
            key=lambda p: p.relative_to(path).as_posix(),
        )

    def replies(self, path: Path) -> Iterator[Reply]:
        for index, file in enumerate(self.files(path)):
            relative = file.relative_to(path).as_posix()
            try:
                data = file.read_bytes()
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as err:
                yield Reply.malformed(index, relative, ReplylintError(Errors.E003, path=file, position=err.start), relative)
                continue
            except OSError as err:
                yield Reply.malformed(
                    index, relative, ReplylintError(Errors.E004, path=file, reason=err.strerror or str(err)), relative
                )
                continue
            is_html = file.suffix.lower() in HTML_SUFFIXES
            yield Reply(index, relative, text, is_html, relative)

    def count(self, path: Path) -> int | None:
        return len(self.files(path))

    def fix_writer(self, path: Path, out: Path) -> FixWriter:
        return _DirectoryFixWriter(path, out)


class _DirectoryFixWriter:
    def __init__(self, path: Path, out: Path) -> None:
        shutil.copytree(path, out, dirs_exist_ok=True)  # every file, fixed ones overwritten below
        self.out = out

    def write(self, reply: Reply, fixed: str | None) -> None:
        if fixed is not None:
            (self.out / reply.locator).write_text(fixed, encoding="utf-8", newline="")

    def close(self) -> None:
        pass


FORMATS = ("zendesk", "freshdesk", "helpscout", "csv", "jsonl", "dir")


def open_format(path: Path, name: str | None, *, id_column: str | None = None, text_column: str | None = None) -> Format:
    """The format ``name``, or the one ``path`` looks like when ``name`` is None or "auto"."""
    name = detect_format(path) if name in (None, "auto") else name
    formats: dict[str, Format] = {
        "zendesk": ZendeskMacros(),
        "freshdesk": FreshdeskCannedResponses(),
        "helpscout": HelpScoutSavedReplies(),
        "csv": CsvFile(id_column, text_column),
        "jsonl": JsonLines(),
        "dir": ReplyDirectory(),
    }
    if name not in formats:
        raise ReplylintError(Errors.E501, path=path, reason=f"unknown format {name!r}", formats=", ".join(FORMATS))
    return formats[name]


def detect_format(path: Path) -> str:
    if path.is_dir():
        return "dir"
    if not path.is_file():
        raise ReplylintError(Errors.E004, path=path, reason="no such file or directory")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        data = _load_json(path, "JSON")
        return _detect_json(path, data)
    raise ReplylintError(Errors.E501, path=path, reason=f"unknown file type {suffix or '(none)'}", formats=", ".join(FORMATS))


def _detect_json(path: Path, data: Any) -> str:
    if isinstance(data, dict):
        if "macros" in data:
            return "zendesk"
        if "canned_responses" in data or "responses" in data:
            return "freshdesk"
        if "_embedded" in data or "saved_replies" in data:
            return "helpscout"
    items = data if isinstance(data, list) else []
    first = next((item for item in items if isinstance(item, dict)), None)
    if first is not None:
        if "actions" in first:
            return "zendesk"
        if "content_html" in first or "content" in first:
            return "freshdesk"
        if "text" in first:
            return "helpscout"
    raise ReplylintError(
        Errors.E501, path=path, reason="it is JSON but not a Zendesk, Freshdesk or Help Scout export", formats=", ".join(FORMATS)
    )


def _open_binary(path: Path):
    try:
        return open(path, "rb")
    except OSError as err:
        raise ReplylintError(Errors.E004, path=path, reason=err.strerror or str(err)) from err
