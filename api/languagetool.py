"""LanguageTool's HTTP API in front of replylint, so LanguageTool clients and editor plugins work.

Pure functions: request parameters -> the text to lint (plain ``text`` or LanguageTool's annotated
``data``), and a replylint report -> LanguageTool's ``matches``. Offsets and lengths are UTF-16
code units, as LanguageTool (Java) counts them, and for annotated text they point into the whole
annotated input, markup included, as LanguageTool's do.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from linter import __version__
from linter.errors import Errors
from linter.offsets import utf16_length
from linter.report import Finding, Report
from linter.taxonomy import LABELS_BY_ID

from .errors import ApiError

LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("English", "en", "en"),
    ("English (US)", "en", "en-US"),
    ("English (GB)", "en", "en-GB"),
    ("English (Australian)", "en", "en-AU"),
    ("English (Canadian)", "en", "en-CA"),
    ("English (New Zealand)", "en", "en-NZ"),
    ("English (South African)", "en", "en-ZA"),
)
_NAMES = {long_code.lower(): name for name, _, long_code in LANGUAGES}
CONTEXT_CHARS = 40  # code points of context either side of a match, as LanguageTool's default
ISSUE_TYPE = "style"  # LanguageTool's issue type for tone and register problems; clients colour by it


def languages() -> list[dict[str, str]]:
    return [{"name": name, "code": code, "longCode": long_code} for name, code, long_code in LANGUAGES]


def resolve_language(value: str) -> tuple[str, str]:
    """``(code, name)`` for a supported tag (case-insensitive; ``auto`` detects English); else 422 E423."""
    tag = value.strip()
    if tag.lower() == "auto":
        return "en-US", _NAMES["en-us"]
    name = _NAMES.get(tag.lower())
    if name is None:
        raise ApiError(422, Errors.E423, language=tag[:35], languages=", ".join(["auto", *(long for _, _, long in LANGUAGES)]))
    canonical = next(long for _, _, long in LANGUAGES if long.lower() == tag.lower())
    return canonical, name


@dataclass(frozen=True)
class CheckText:
    """The text replylint lints and how its offsets map back to the client's input."""

    plain: str
    # For annotated input: (plain start, original UTF-16 start, is text part, original UTF-16 end), sorted.
    segments: tuple[tuple[int, int, bool, int], ...] = ()

    def to_original(self, offset: int, *, is_end: bool) -> int:
        """UTF-16 offset in the client's input of code-point ``offset`` in ``plain``."""
        if not self.segments:
            return utf16_length(self.plain[:offset])
        starts = [segment[0] for segment in self.segments]
        index = (bisect.bisect_left if is_end else bisect.bisect_right)(starts, offset) - 1
        index = max(index, 0)
        plain_start, original_start, is_text, original_end = self.segments[index]
        if is_text:
            return original_start + utf16_length(self.plain[plain_start:offset])
        return original_start if offset == plain_start and not is_end else original_end


def parse_input(text: str | None, data: str | None) -> CheckText:
    """From ``text`` or LanguageTool's annotated ``data`` (markup is skipped or read as its ``interpretAs``)."""
    if text is not None and data is not None:
        raise ApiError(
            422, Errors.E422, where="text, data", reason="both were sent", hint="Send either 'text' or 'data', not both."
        )
    if text is not None:
        return CheckText(text)
    if data is None:
        raise ApiError(
            422,
            Errors.E422,
            where="text",
            reason="Field required",
            hint="Send the draft as 'text', or LanguageTool annotated text as 'data'.",
        )
    hint = 'Send {"annotation": [{"text": "..."}, {"markup": "<p>", "interpretAs": "\\n\\n"}]}.'
    try:
        parsed = json.loads(data)
    except (json.JSONDecodeError, RecursionError) as err:
        raise ApiError(
            422, Errors.E422, where="data", reason=f"not valid JSON ({getattr(err, 'msg', 'too deeply nested')})", hint=hint
        ) from None
    parts = parsed.get("annotation") if isinstance(parsed, dict) else None
    if not isinstance(parts, list):
        raise ApiError(422, Errors.E422, where="data", reason="expected an object with an 'annotation' list", hint=hint)
    plain: list[str] = []
    segments: list[tuple[int, int, bool, int]] = []
    plain_length = original = 0
    for index, part in enumerate(parts):
        if not isinstance(part, dict) or ("text" in part) == ("markup" in part):
            raise ApiError(
                422,
                Errors.E422,
                where=f"data.annotation[{index}]",
                reason="each part needs exactly one of 'text' or 'markup'",
                hint=hint,
            )
        if "text" in part:
            value = part["text"]
            shown = value
        else:
            value = part["markup"]
            shown = part.get("interpretAs", "")
        if not isinstance(value, str) or not isinstance(shown, str):
            raise ApiError(
                422,
                Errors.E422,
                where=f"data.annotation[{index}]",
                reason="'text', 'markup' and 'interpretAs' must be strings",
                hint=hint,
            )
        width = utf16_length(value)
        segments.append((plain_length, original, "text" in part, original + width))
        plain.append(shown)
        plain_length += len(shown)
        original += width
    return CheckText("".join(plain), tuple(segments))


def _split(value: str | None) -> set[str]:
    return {item.strip() for item in (value or "").split(",") if item.strip()}


def category_id(label: str) -> str:
    return label.upper()


def select(findings: Iterable[Finding], params: dict[str, str | None]) -> list[Finding]:
    """Apply LanguageTool's enabledRules/disabledRules/enabledCategories/disabledCategories/enabledOnly."""
    enabled_rules, disabled_rules = _split(params.get("enabledRules")), _split(params.get("disabledRules"))
    enabled_categories, disabled_categories = _split(params.get("enabledCategories")), _split(params.get("disabledCategories"))
    only = (params.get("enabledOnly") or "").lower() == "true"
    chosen = []
    for finding in findings:
        category = category_id(finding.label)
        if finding.rule_id in disabled_rules or category in disabled_categories:
            continue
        if only and finding.rule_id not in enabled_rules and category not in enabled_categories:
            continue
        chosen.append(finding)
    return chosen


def match(source: CheckText, finding: Finding) -> dict[str, Any]:
    """One replylint finding as a LanguageTool match."""
    plain = source.plain
    if source.segments:
        offset = source.to_original(finding.start, is_end=False)
        length = max(0, source.to_original(finding.end, is_end=True) - offset)
    else:
        offset, length = finding.span.start_utf16, finding.span.end_utf16 - finding.span.start_utf16
    context_start = max(0, finding.start - CONTEXT_CHARS)
    context_end = min(len(plain), finding.end + CONTEXT_CHARS)
    label = LABELS_BY_ID.get(finding.label)
    message = finding.message
    replacements = []
    for suggestion in finding.suggestions:
        if suggestion.span.start == finding.start and suggestion.span.end == finding.end:
            replacements.append({"value": suggestion.replacement})
        else:  # LanguageTool replaces only the match itself: a sentence rewrite goes in the message
            message += f" Try: “{suggestion.replacement}”"
    return {
        "message": message,
        "shortMessage": label.name if label else finding.label,
        "replacements": replacements,
        "offset": offset,
        "length": length,
        "context": {
            "text": plain[context_start:context_end],
            "offset": utf16_length(plain[context_start : finding.start]),
            "length": finding.span.end_utf16 - finding.span.start_utf16,
        },
        "sentence": finding.sentence.text,
        "type": {"typeName": "Other"},
        "rule": {
            "id": finding.rule_id,
            "description": label.description if label else finding.label,
            "issueType": ISSUE_TYPE,
            "category": {"id": category_id(finding.label), "name": label.name if label else finding.label},
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def check_response(source: CheckText, report: Report, language: tuple[str, str], params: dict[str, str | None]) -> dict[str, Any]:
    code, name = language
    return {
        "software": {
            "name": "replylint",
            "version": __version__,
            "buildDate": None,
            "apiVersion": 1,
            "premium": False,
            "status": "",
        },
        "warnings": {"incompleteResults": False},
        "language": {"name": name, "code": code, "detectedLanguage": {"name": name, "code": code, "confidence": 1.0}},
        "matches": [match(source, finding) for finding in select(report.findings, params)],
    }
