"""Every bad-input class answers in the catalogue's shape: 413, 415, 422 (bad JSON, types, fields), 404, 405."""

from __future__ import annotations

import httpx
import pytest
from api_conftest import LiveServer

from linter.errors import Errors


def _assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "request_id"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert code in Errors.__members__, "every API error code is in the catalogue"
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["error"]["message"] and not body["error"]["message"].startswith("[")
    return body


def test_api_text_over_the_limit_is_413(api_server: LiveServer) -> None:
    with api_server.client() as client:
        body = _assert_error(client.post("/v1/lint", json={"text": "a" * 50_001}), 413, "E001")
        assert "50,001" in body["error"]["message"] and "50,000" in body["error"]["message"]
        _assert_error(client.post("/v2/check", data={"text": "a" * 50_001, "language": "en-US"}), 413, "E001")


def test_api_body_over_the_limit_is_413(api_server: LiveServer) -> None:
    big = b'{"text": "' + b"a" * 2_100_000 + b'"}'
    with api_server.client() as client:
        _assert_error(client.post("/v1/lint", content=big, headers={"content-type": "application/json"}), 413, "E413")

        def chunks():  # no Content-Length: the limit applies while reading
            yield b'{"text": "'
            for _ in range(30):
                yield b"a" * 100_000
            yield b'"}'

        _assert_error(client.post("/v1/lint", content=chunks(), headers={"content-type": "application/json"}), 413, "E413")


def test_api_batch_over_the_item_limit_is_413(api_server: LiveServer) -> None:
    with api_server.client() as client:
        body = _assert_error(client.post("/v1/lint/batch", json={"items": [{"text": "hi"}] * 1001}), 413, "E414")
    assert "1,001" in body["error"]["message"]


@pytest.mark.parametrize(
    ("path", "content_type", "content"),
    [
        ("/v1/lint", "text/plain", b"You will not receive a reply."),
        ("/v1/lint", "application/x-www-form-urlencoded", b"text=hello"),
        ("/v1/lint", None, b'{"text": "hello"}'),
        ("/v1/lint/batch", "application/xml", b"<items/>"),
        ("/v2/check", "application/json", b'{"text": "hello", "language": "en-US"}'),
    ],
)
def test_api_unsupported_media_type_is_415(api_server: LiveServer, path: str, content_type: str | None, content: bytes) -> None:
    headers = {"content-type": content_type} if content_type else {}
    with api_server.client() as client:
        body = _assert_error(client.post(path, content=content, headers=headers), 415, "E415")
    assert "Content-Type:" in body["error"]["message"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"text": "unterminated', "not valid JSON"),
        (b"{'text': 'single quotes'}", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"text": "caf\xe9"}', "not valid JSON"),
    ],
)
def test_api_malformed_json_is_422_e420(api_server: LiveServer, content: bytes, fragment: str) -> None:
    with api_server.client() as client:
        response = client.post("/v1/lint", content=content, headers={"content-type": "application/json"})
    if content == b"":
        body = _assert_error(response, 422, "E422")  # an empty body is a missing body
        assert "body" in body["error"]["message"]
    else:
        body = _assert_error(response, 422, "E420")
        assert fragment in body["error"]["message"] and '{"text"' in body["error"]["message"]


@pytest.mark.parametrize(
    ("payload", "names"),
    [
        ({}, ["text", "Field required", "Add the field"]),
        ({"text": 7}, ["text", "string"]),
        ({"text": None}, ["text", "string"]),
        ({"text": ["a"]}, ["text", "string"]),
        ([], ["body", "object"]),
        ("just a string", ["body", "object"]),
        ({"text": "hi", "txt": "typo"}, ["txt", "Remove the field"]),
        ({"text": "hi", "context": "Expedia"}, ["context", "object"]),
        ({"text": "hi", "context": {"partners": [1]}}, ["context.partners[0]", "string"]),
        ({"text": "hi", "context": {"customer": "x"}}, ["context.customer", "Remove the field"]),
    ],
)
def test_api_wrong_types_and_missing_fields_are_422(api_server: LiveServer, payload: object, names: list[str]) -> None:
    secret = "zebra-mango-7781"
    if isinstance(payload, dict) and isinstance(payload.get("text"), str):
        payload = {**payload, "text": payload["text"] + " " + secret}
    with api_server.client() as client:
        body = _assert_error(client.post("/v1/lint", json=payload), 422, "E422")
    message = body["error"]["message"]
    for name in names:
        assert name in message, message
    assert secret not in message, "errors never echo the draft"


def test_api_batch_validation_is_422(api_server: LiveServer) -> None:
    with api_server.client() as client:
        _assert_error(client.post("/v1/lint/batch", json={"items": "nope"}), 422, "E422")
        _assert_error(client.post("/v1/lint/batch", json={"drafts": []}), 422, "E422")


def test_api_unknown_route_is_404_json(api_server: LiveServer) -> None:
    with api_server.client() as client:
        body = _assert_error(client.get("/v1/nothing-here"), 404, "E404")
        assert "/docs" in body["error"]["message"]
        _assert_error(client.post("/v3/check", json={}), 404, "E404")
        _assert_error(client.get("/v1/rewrite"), 405, "E405")


def test_api_wrong_method_is_405_json(api_server: LiveServer) -> None:
    with api_server.client() as client:
        response = client.get("/v1/lint")
        body = _assert_error(response, 405, "E405")
    assert "POST" in body["error"]["message"] and response.headers["allow"] == "POST"
