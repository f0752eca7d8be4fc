"""Errors as HTTP responses: ``{"error": {"code", "message"}, "request_id"}`` from the one catalogue.

Messages come from ``linter.errors.Errors`` and never quote the draft: validation messages name
the field and what to send, not the value received.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.responses import Response

from linter.errors import Errors, ReplylintError

from .logs import request_id_var

# Core errors that reach the API, by HTTP status; anything else from the core is a 422.
_CORE_STATUS = {"E001": 413, "E524": 503}  # E524: feedback not stored, retry

EXAMPLES = {
    "/v1/lint": '{"text": "Hi Ana, ..."}',
    "/v1/lint/batch": '{"items": [{"id": "1", "text": "Hi Ana, ..."}]}',
}


class ApiError(Exception):
    """An error answer: HTTP status, catalogue entry, optional headers."""

    def __init__(self, status: int, error: Errors, *, headers: Mapping[str, str] | None = None, **kwargs: object) -> None:
        self.status = status
        self.code = error.name
        self.message = error.value.format(**kwargs)
        self.headers = dict(headers or {})
        super().__init__(self.message)

    @classmethod
    def from_core(cls, err: ReplylintError) -> ApiError:
        api_error = cls.__new__(cls)
        Exception.__init__(api_error, err.message)
        api_error.status = _CORE_STATUS.get(err.code, 422)
        api_error.code = err.code
        api_error.message = strip_code(err.message)
        api_error.headers = {}
        return api_error

    def response(self) -> Response:
        return error_response(self.status, self.code, self.message, self.headers)


def strip_code(message: str) -> str:
    """``"[E001] The text..."`` -> ``"The text..."``: the code travels in its own field."""
    if message.startswith("[E") and "] " in message[:8]:
        return message.split("] ", 1)[1]
    return message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}, "request_id": request_id_var.get()}


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json", headers=dict(headers or {}))


_HINTS = {
    "missing": "Add the field.",
    "extra_forbidden": "Remove the field; see /docs for the fields this endpoint takes.",
    "string_type": "Send a JSON string.",
    "string_unicode": "Send valid Unicode text (no unpaired surrogates).",
    "int_type": "Send a whole number.",
    "list_type": "Send a JSON array.",
    "dict_type": "See /docs for its fields.",
    "model_type": "See /docs for its fields.",
    "model_attributes_type": "See /docs for its fields.",
}


_REASONS = {kind: "expected a JSON object" for kind in ("model_type", "model_attributes_type", "dict_type")}


def validation_error(path: str, errors: Iterable[Mapping[str, Any]]) -> ApiError:
    """A pydantic/FastAPI error list -> E420 (invalid JSON) or E422 naming each field and the fix."""
    errors = list(errors)
    for item in errors:
        if item.get("type") == "json_invalid":
            ctx = item.get("ctx") or {}
            loc = item.get("loc") or ()
            position = loc[-1] if loc and isinstance(loc[-1], int) else None
            reason = str(ctx.get("error", "malformed JSON")) + (f" at position {position}" if position is not None else "")
            return ApiError(422, Errors.E420, reason=reason, example=EXAMPLES.get(path, "{...}"))
    parts = []
    for item in errors[:3]:
        where = _where(item.get("loc") or ())
        kind = str(item.get("type"))
        reason = _REASONS.get(kind) or str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        hint = _HINTS.get(kind, "")
        parts.append((where, reason, hint))
    if not parts:
        parts.append(("body", "invalid request", ""))
    where, reason, hint = parts[0]
    extra = "".join(f" Also {w}: {r}." for w, r, _ in parts[1:])
    return ApiError(422, Errors.E422, where=where, reason=reason, hint=(hint + extra).strip())


def _where(loc: Iterable[Any]) -> str:
    """``("body", "items", 3, "text")`` -> ``"items[3].text"``; ``("body",)`` -> ``"body"``."""
    out = ""
    for part in loc:
        if part == "body" and not out:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"
