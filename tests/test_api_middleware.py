"""Pure pieces of the middleware, isolated: the 500 path, the token bucket, request ids, error messages."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from api import middleware
from api.errors import validation_error
from api.logs import new_request_id
from api.metrics import Metrics
from api.middleware import RateLimiter, RequestContext
from api.settings import Settings


def test_api_unexpected_exception_becomes_a_catalogue_500(caplog: pytest.LogCaptureFixture) -> None:
    async def broken_app(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom with draft text inside")

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    app = RequestContext(broken_app, Metrics(), Settings(), frozenset({"/v1/lint"}))
    scope = {"type": "http", "method": "POST", "path": "/v1/lint", "headers": [(b"x-request-id", b"abc-1")]}
    with caplog.at_level(logging.ERROR, logger="replylint.api"):
        asyncio.run(app(scope, receive, send))
    start, body = sent[0], json.loads(sent[1]["body"])
    assert start["status"] == 500 and (b"x-request-id", b"abc-1") in start["headers"]
    assert body["error"]["code"] == "E450" and "abc-1" in body["error"]["message"] and body["request_id"] == "abc-1"
    assert "draft text" not in body["error"]["message"]


def test_api_rate_limiter_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(middleware.time, "monotonic", lambda: clock[0])
    limiter = RateLimiter(per_minute=60, burst=2)
    assert limiter.take("a") == 0 and limiter.take("a") == 0
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0, "buckets are per client"
    clock[0] += 0.5
    assert limiter.take("a") == pytest.approx(0.5)
    clock[0] += 0.5
    assert limiter.take("a") == 0


@pytest.mark.parametrize(
    ("offered", "kept"),
    [("ticket-9.lint:2", True), ("a" * 128, True), ("a" * 129, False), ("has space", False), ("", False), (None, False)],
)
def test_api_request_id_accepts_only_plain_client_ids(offered: str | None, kept: bool) -> None:
    assert (new_request_id(offered) == offered) is kept


def test_api_validation_messages_name_fields_not_values() -> None:
    error = validation_error(
        "/v1/lint",
        [
            {
                "type": "string_type",
                "loc": ("body", "context", "partners", 0),
                "msg": "Input should be a valid string",
                "input": "SECRET",
            },
            {"type": "missing", "loc": ("body", "text"), "msg": "Field required", "input": {"SECRET": 1}},
        ],
    )
    assert error.status == 422 and error.code == "E422"
    assert error.message.startswith("context.partners[0]: Input should be a valid string. Send a JSON string.")
    assert "Also text: Field required." in error.message and "SECRET" not in error.message
