"""The endpoints. Thin: validate, hand the draft to the service, send the core's JSON back."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import Response

from linter.errors import Errors
from linter.report import Report
from linter.taxonomy import ALL_LABELS

from . import languagetool
from .errors import ApiError, error_body, validation_error
from .schemas import (
    BatchItemIn,
    BatchRequest,
    BatchResponse,
    CheckForm,
    ErrorResponse,
    HealthResponse,
    LabelsResponse,
    LintRequest,
    LTCheckResponse,
    LTLanguageOut,
    ReadyResponse,
    ReportOut,
    RewriteOut,
    RulesResponse,
)
from .service import BatchItem, LintService
from .teams import request_team

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        401: "No API key (the server has a keys file). E401.",
        403: "Unknown API key. E403.",
        413: "Draft longer than max_chars (E001), body over max_body_bytes (E413) or too many batch items (E414).",
        415: "Wrong Content-Type. E415.",
        422: "Invalid JSON (E420), a missing or wrongly typed field (E422), a bad context (E007), an unsupported language (E423).",
        429: "Per-key rate limit reached; see Retry-After. E429.",
        503: "All inference slots busy; see Retry-After. E453.",
    }.items()
}


class JSONBody(Response):
    """JSON without a response-model pass: the core's dict is already the documented shape."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:  # an unpaired surrogate in the text: escape it, JSON allows that
            return json.dumps(content, separators=(",", ":")).encode("ascii")


def _service(request: Request) -> LintService:
    return request.app.state.service


v1 = APIRouter(prefix="/v1", tags=["lint"], responses=ERRORS)
ops = APIRouter(tags=["operations"])
lt = APIRouter(prefix="/v2", tags=["LanguageTool-compatible"], responses=ERRORS)


@v1.post("/lint", response_model=None, responses={200: {"model": ReportOut, "description": "The lint report."}})
async def lint(body: LintRequest, request: Request) -> Response:
    """Lint one draft: findings with code-point and UTF-16 offsets, labels, score and suggestions."""
    context = body.context.to_core() if body.context else None
    report = await _service(request).lint(body.text, context, linter=(await request_team(request)).linter)
    return JSONBody(report.to_dict())


@v1.post(
    "/rewrite", response_model=None, responses={200: {"model": RewriteOut, "description": "The rewritten draft and its edits."}}
)
async def rewrite(body: LintRequest, request: Request) -> Response:
    """Rewrite a draft customer-first: the new text, the edits (original offsets, both kinds) and the placeholders to fill."""
    context = body.context.to_core() if body.context else None
    result = await _service(request).rewrite(body.text, context, linter=(await request_team(request)).linter)
    return JSONBody(result.to_dict())


@v1.post(
    "/lint/batch", response_model=None, responses={200: {"model": BatchResponse, "description": "One result per item, in order."}}
)
async def lint_batch(body: BatchRequest, request: Request) -> Response:
    """Lint up to ``max_batch_items`` drafts; an item that can't be linted gets its own error entry."""
    service = _service(request)
    limit = service.settings.max_batch_items
    if len(body.items) > limit:
        raise ApiError(413, Errors.E414, count=len(body.items), limit=limit)
    items = [_batch_item(index, raw, service.settings.max_chars) for index, raw in enumerate(body.items)]
    outcomes = await service.lint_batch(items, linter=(await request_team(request)).linter)
    results = []
    for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
        if isinstance(outcome, Report):
            results.append({"index": index, "id": item.id, "report": outcome.to_dict()})
        else:
            results.append({"index": index, "id": item.id, "error": {"code": outcome.code, "message": outcome.message}})
    errors = sum(1 for result in results if "error" in result)
    return JSONBody({"count": len(results), "errors": errors, "results": results})


def _batch_item(index: int, raw: Any, max_chars: int) -> BatchItem:
    if isinstance(raw, BatchItemIn):
        parsed = raw
    else:
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        item_id = raw_id if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
        try:
            parsed = BatchItemIn.model_validate(raw)
        except ValidationError as err:
            errors = [{**e, "loc": ("items", index, *e["loc"])} for e in err.errors(include_input=False)]
            return BatchItem(item_id, error=validation_error("/v1/lint/batch", errors))
    if len(parsed.text) > max_chars:
        return BatchItem(parsed.id, error=ApiError(413, Errors.E001, length=len(parsed.text), limit=max_chars))
    return BatchItem(parsed.id, parsed.text, parsed.context.to_core() if parsed.context else None)


@v1.get("/labels", response_model=LabelsResponse)
async def labels() -> dict[str, Any]:
    """The taxonomy: label ids (stable API values) with names, descriptions and rewrite directions.

    ``category`` is ``tone`` for the eight tone labels and ``context`` for the checks against the
    ticket, which run only when the request carries a ``context``."""
    return {
        "labels": [
            {
                "id": label.id,
                "name": label.name,
                "description": label.description,
                "customer_hears": label.customer_hears,
                "rewrite_direction": label.rewrite_direction,
                "category": label.category,
            }
            for label in ALL_LABELS
        ]
    }


@v1.get("/rules", response_model=RulesResponse)
async def rules(request: Request) -> dict[str, Any]:
    """The tone rules this server runs for the key's team: ids, labels, messages and severities."""
    team = await request_team(request)
    return {
        "rules": [
            {"id": rule.id, "label": rule.label, "message": rule.message, "severity": rule.severity} for rule in team.linter.rules
        ]
    }


@ops.get("/healthz", response_model=HealthResponse)
async def healthz() -> dict[str, str]:
    """The process is alive and serving (says nothing about the model)."""
    return {"status": "ok"}


@ops.get(
    "/readyz",
    response_model=ReadyResponse,
    responses={503: {"model": ReadyResponse, "description": "Not ready; 'error' says why."}},
)
async def readyz(request: Request) -> Response:
    """Ready to lint: the linter is built, a known draft was scored, and the model is loaded (unless not required)."""
    readiness = _service(request).readiness
    body = readiness.to_dict()
    if readiness.ready:
        return JSONBody(body)
    body.update(error_body("E454", Errors.E454.value.format(reason=readiness.reason)))
    return JSONBody(body, status_code=503)


@ops.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}},
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: requests and latency by route and status, findings by label. Never any text."""
    collected = request.app.state.metrics
    return Response(collected.render(), media_type=collected.content_type)


@lt.post(
    "/check", response_model=None, responses={200: {"model": LTCheckResponse, "description": "LanguageTool's response shape."}}
)
async def check(form: Annotated[CheckForm, Form()], request: Request) -> Response:
    """LanguageTool-compatible check: form-encoded ``text`` or ``data`` and ``language``; offsets in UTF-16 units."""
    language = languagetool.resolve_language(form.language)
    source = languagetool.parse_input(form.text, form.data)
    report = await _service(request).lint(
        source.plain, None, endpoint="languagetool", linter=(await request_team(request)).linter
    )
    return JSONBody(languagetool.check_response(source, report, language, form.model_dump()))


@lt.get("/languages", response_model=list[LTLanguageOut])
async def languages() -> list[dict[str, str]]:
    """The languages /v2/check accepts, in LanguageTool's shape."""
    return languagetool.languages()
