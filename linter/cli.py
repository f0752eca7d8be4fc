"""The ``replylint`` command line.

Exit codes: 0 no findings, 1 findings, 2 usage or input error (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .errors import Errors, ReplylintError
from .report import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors, as we want
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"replylint: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="replylint", description="Lint customer-support reply drafts for replies that fail the customer.")
    parser.add_argument("--version", action="version", version=f"replylint {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="lint one draft, or a JSONL file of drafts")
    source = check.add_mutually_exclusive_group()
    source.add_argument("text", nargs="?", help="the draft text, or '-' to read standard input")
    source.add_argument("--file", type=Path, help="read the draft from a UTF-8 text file")
    source.add_argument("--jsonl", type=Path, help='lint every line {"id": ..., "text": ...} of a JSONL file ("-" for stdin)')
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--context", type=Path, help="JSON file with the ticket's context")
    check.add_argument(
        "--context-checks", help="checks against the ticket to run: 'all' or comma-separated ids (default: those on by default)"
    )
    check.add_argument("--rules-only", action="store_true", help="skip the classifier; rules alone")
    check.add_argument("--model-dir", type=Path, help="model folder (default: the shipped model)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument("--config", type=Path, help="a team config (YAML): rule packs, rules off, severities, allowlist")

    evaluate = commands.add_parser("eval", help="precision/recall of the linter on labelled JSONL drafts")
    evaluate.add_argument("path", type=Path, help='JSONL with {"id", "text", "labels"} per line')
    evaluate.add_argument("--json", action="store_true", help="print results as JSON")
    evaluate.add_argument("--show-errors", action="store_true", help="list missed drafts and false alarms by id")
    evaluate.add_argument("--rules-only", action="store_true", help="evaluate the rules alone")
    evaluate.add_argument("--model-dir", type=Path, help="model folder (default: the shipped model)")

    rewrite = commands.add_parser("rewrite", help="rewrite a draft customer-first; prints the new text")
    rewrite_source = rewrite.add_mutually_exclusive_group()
    rewrite_source.add_argument("text", nargs="?", help="the draft text, or '-' to read standard input")
    rewrite_source.add_argument("--file", type=Path, help="read the draft from a UTF-8 text file")
    rewrite.add_argument("--json", action="store_true", help="print the new text, the edits and the placeholders as JSON")
    rewrite.add_argument("--context", type=Path, help="JSON file with the ticket's context")
    rewrite.add_argument("--rules-only", action="store_true", help="skip the classifier; rules alone")
    rewrite.add_argument("--model-dir", type=Path, help="model folder (default: the shipped model)")
    rewrite.add_argument("--config", type=Path, help="a team config (YAML): rule packs, rules off, severities, allowlist")

    serve = commands.add_parser("serve", help="run the HTTP API (default 127.0.0.1:8000)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1, or REPLYLINT_HOST)")
    serve.add_argument("--port", type=int, help="TCP port (default 8000, or REPLYLINT_PORT)")
    serve.add_argument("--workers", type=int, help="worker processes, one linter each (default 1, or REPLYLINT_WORKERS)")
    serve.add_argument("--config", type=Path, help="YAML or TOML settings file (or REPLYLINT_CONFIG); see docs/api.md")

    keys = commands.add_parser("keys", help="manage the API keys file (keys are stored hashed)")
    key_commands = keys.add_subparsers(dest="keys_command", required=True, parser_class=_Parser)
    add = key_commands.add_parser("add", help="create a key, append its hash to the file and print the key once")
    add.add_argument("name", help="who the key is for, e.g. helpdesk-eu (letters, digits, . _ @ -)")
    add.add_argument("--file", type=Path, help="the keys file (default: REPLYLINT_API_KEYS_FILE)")
    add.add_argument("--team", help="the key's team: picks <teams_dir>/<team>.yaml and whose feedback it writes and reads")
    _add_team_commands(commands)

    # batch: exports, reports, SARIF, fixes, Spark (linter/batch/)
    from .batch.cli import add_batch_parser

    add_batch_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "eval":
            return _eval(args)
        if args.command == "rewrite":
            return _rewrite(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "keys":
            return _keys(args)
        if args.command in ("rules", "feedback"):
            return _team_command(args)
        if args.command == "batch":
            from .batch.cli import run_batch_command

            return run_batch_command(args)
    except ReplylintError as err:
        print(f"replylint: {err.message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`replylint check ... | head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    return EXIT_ERROR


def _version() -> str:
    from . import __version__

    return __version__


def _linter(args: argparse.Namespace):
    from . import Linter, default_linter

    checks = getattr(args, "context_checks", None)
    if getattr(args, "rules_only", False):
        linter = Linter(model=None, context_checks=checks)
    elif getattr(args, "model_dir", None) or checks is not None:
        linter = Linter(model=args.model_dir or "auto", context_checks=checks)
    else:
        linter = default_linter()
    if getattr(args, "config", None):  # a team config (issue 9)
        from .team import load_team_config

        return linter.with_team(load_team_config(args.config))
    return linter


def _draft_text(args: argparse.Namespace) -> str:
    if args.file:
        return read_text_file(args.file)
    if args.text == "-":
        return _read_stdin()
    if args.text is not None:
        return args.text
    raise ReplylintError(Errors.E006)


def _rewrite(args: argparse.Namespace) -> int:
    from .rewriter import rewrite

    context = _read_context(args.context) if args.context else None
    result = rewrite(_linter(args), _draft_text(args), context)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_CLEAN
    print(result.text)
    if result.placeholders:
        names = ", ".join(dict.fromkeys(p.text for p in result.placeholders))
        print(f"\nreplylint: fill in {names} before sending.", file=sys.stderr)
    return EXIT_CLEAN


def _check(args: argparse.Namespace) -> int:
    context = _read_context(args.context) if args.context else None
    if args.jsonl:
        return _check_jsonl(args, context)
    text = _draft_text(args)
    report = _linter(args).lint(text, context)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_report(text, report, color=_use_color(args.color, sys.stdout)))
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN


def _check_jsonl(args: argparse.Namespace, context: Any) -> int:
    linter = _linter(args)
    stream = sys.stdin if str(args.jsonl) == "-" else _open_text(args.jsonl)
    any_findings = any_errors = False
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            record_id: Any = number
            try:
                record = json.loads(line)
                if isinstance(record, dict) and "id" in record:
                    record_id = record["id"]
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ReplylintError(
                        Errors.E005, line=number, path=args.jsonl, reason="expected an object with a string 'text'"
                    )
                report = linter.lint(record["text"], record.get("context", context))
            except json.JSONDecodeError as err:
                any_errors = True
                _emit(
                    {
                        "id": record_id,
                        "error": {"code": "E005", "message": Errors.E005.format(line=number, path=args.jsonl, reason=err.msg)},
                    }
                )
                continue
            except ReplylintError as err:
                any_errors = True
                _emit({"id": record_id, "error": {"code": err.code, "message": err.message}})
                continue
            any_findings = any_findings or bool(report.findings)
            body = report.to_dict()
            _emit(
                {
                    "id": record_id,
                    "labels": body["labels"],
                    "score": body["score"],
                    "verdict": body["verdict"],
                    "findings": body["findings"],
                }
            )
    if any_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if any_findings else EXIT_CLEAN


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def _eval(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .evaluation import format_results, read_labelled, side_by_side

    drafts = read_labelled(args.path)
    results = side_by_side(drafts, args.model_dir, rules_only=args.rules_only)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(format_results(results))
        if args.show_errors:
            for result in results:
                print(f"\n[{result.name}] missed: {', '.join(result.missed) or '-'}")
                print(f"[{result.name}] false alarms: {', '.join(result.false_alarms) or '-'}")
    return EXIT_CLEAN


def _serve(args: argparse.Namespace) -> int:
    try:
        from api.server import run
        from api.settings import Settings
    except ImportError as err:  # the API's dependencies are an extra
        print(f"replylint: the API needs its extra: pip install 'replylint[api]' ({err})", file=sys.stderr)
        return EXIT_ERROR
    run(Settings.load(args.config, host=args.host, port=args.port, workers=args.workers))
    return EXIT_CLEAN


def _keys(args: argparse.Namespace) -> int:
    from api.keys import add_key

    path = args.file or os.environ.get("REPLYLINT_API_KEYS_FILE")
    if not path:
        print("replylint: give the keys file with --file PATH or REPLYLINT_API_KEYS_FILE", file=sys.stderr)
        return EXIT_ERROR
    key = add_key(Path(path), args.name, args.team)
    print(key)
    print(
        f"Added key '{args.name}' to {path} (only its hash is stored). Send it as 'Authorization: Bearer <key>'.", file=sys.stderr
    )
    return EXIT_CLEAN


def _read_context(path: Path) -> Any:
    try:
        return json.loads(read_text_file(path))
    except json.JSONDecodeError as err:
        raise ReplylintError(Errors.E007, fields="see README", reason=f"invalid JSON in {path}: {err.msg}") from err


def read_text_file(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ReplylintError(Errors.E004, path=path, reason=err.strerror or str(err)) from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ReplylintError(Errors.E003, path=path, position=err.start) from err


def _open_text(path: Path) -> TextIO:
    try:
        return open(path, encoding="utf-8", errors="strict")  # noqa: SIM115 - closed by the caller's with
    except OSError as err:
        raise ReplylintError(Errors.E004, path=path, reason=err.strerror or str(err)) from err


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ReplylintError(Errors.E003, path="<stdin>", position=err.start) from err


def _use_color(mode: str, stream: TextIO) -> bool:
    if mode != "auto":
        return mode == "always"
    return stream.isatty() and "NO_COLOR" not in os.environ


_SEVERITY_COLOR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET, _UNDERLINE = "\033[1m", "\033[2m", "\033[0m", "\033[4m"


def render_report(text: str, report: Report, *, color: bool) -> str:
    """Human-readable findings: position, label, message, the sentence with the span highlighted, suggestion."""

    def paint(code: str, value: str) -> str:
        return f"{code}{value}{_RESET}" if color else value

    if not report.findings:
        return paint(_BOLD, "No problems found.") + f" (score {report.score:.2f})"
    lines = []
    for finding in report.findings:
        line_no = text.count("\n", 0, finding.start) + 1
        column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
        sev = paint(_SEVERITY_COLOR[finding.severity] + _BOLD, finding.severity)
        origin = finding.source if finding.model_probability is None else f"{finding.source}, p={finding.model_probability:.2f}"
        lines.append(f"{line_no}:{column} {sev} {paint(_BOLD, finding.label)} {paint(_DIM, f'[{finding.rule_id}; {origin}]')}")
        lines.append(f"  {finding.message}")
        sentence = finding.sentence
        before = text[sentence.start : finding.start]
        after = text[finding.end : sentence.end]
        marked = paint(_SEVERITY_COLOR[finding.severity] + _UNDERLINE, finding.text) if color else f"[[{finding.text}]]"
        lines.append("  > " + (before + marked + after).replace("\n", " "))
        for suggestion in finding.suggestions:
            lines.append(f"  try: {suggestion.replacement}")
            if suggestion.description:
                lines.append(f"       {paint(_DIM, suggestion.description)}")
        lines.append("")
    counts = f"{len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}"
    lines.append(f"{counts}; verdict {paint(_BOLD, report.verdict)}; score {report.score:.2f}")
    return "\n".join(lines)


# -- team configs and feedback (issue 9) ------------------------------------------------------


def _add_team_commands(commands: Any) -> None:
    rules = commands.add_parser("rules", help="list the rules, or run a team's rule-pack examples")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    listing = rule_commands.add_parser("list", help="every rule id with its label and severity")
    listing.add_argument("--config", type=Path, help="a team config: its packs are listed, its rules turned off are not")
    test = rule_commands.add_parser("test", help="run every example of a team's rule packs (exit 1 if one fails)")
    test.add_argument("--config", type=Path, required=True, help="the team config whose packs to test")

    feedback = commands.add_parser("feedback", help="the feedback store: dismissal rates, training export, retention")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True, parser_class=_Parser)
    database_help = "SQLite file or postgresql:// URL (default: $REPLYLINT_FEEDBACK_DATABASE, else the default SQLite file)"
    stats = feedback_commands.add_parser("stats", help="per-rule and per-label verdicts and dismissal rates for a team")
    export = feedback_commands.add_parser("export", help="opted-in dismissed/accepted sentences as training JSONL")
    purge = feedback_commands.add_parser("purge", help="delete a team's feedback older than its retention")
    for sub in (stats, export, purge):
        sub.add_argument("--database", help=database_help)
        sub.add_argument("--team", help="the team (default: the config's name, else 'default')")
        sub.add_argument("--config", type=Path, help="the team config (threshold, retention)")
    stats.add_argument("--json", action="store_true", help="print the report as JSON")
    export.add_argument("--out", type=Path, help="the JSONL file to write (default: standard output)")
    export.add_argument("--weight", type=float, default=1.0, help="the weight each exported sentence carries (default 1)")
    purge.add_argument("--days", type=int, help="delete records older than this many days (default: the team's retention)")


def _team_command(args: argparse.Namespace) -> int:
    from . import feedback_cli

    return feedback_cli.run(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
