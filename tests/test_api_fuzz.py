"""Schemathesis against the live server's OpenAPI spec: a bounded number of generated requests, no 5xx."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from api_conftest import LiveServer
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

MAX_EXAMPLES = 30  # per operation and mode: a few hundred requests in all


@pytest.fixture(scope="module")
def api_schema(api_server: LiveServer) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_url(api_server.url + "/openapi.json")


def _operations(server: LiveServer) -> list[tuple[str, str]]:
    spec = httpx.get(server.url + "/openapi.json").json()
    return [(method.upper(), path) for path, methods in spec["paths"].items() for method in methods]


def _fuzz(operation: schemathesis.APIOperation, mode: GenerationMode, base_url: str, statuses: set[int]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, timeout=60)
        assert response.status_code < 500, f"{case.method} {case.path} -> {response.status_code}: {response.text[:300]}"
        [request_id] = response.headers["x-request-id"]  # schemathesis lists each header's values
        if response.status_code >= 400:
            body = response.json()
            assert body["error"]["code"].startswith("E") and body["request_id"] == request_id
        statuses.add(response.status_code)

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_fuzz_never_answers_5xx(
    api_server: LiveServer, api_schema: schemathesis.schemas.BaseSchema, mode: GenerationMode
) -> None:
    operations = _operations(api_server)
    assert ("POST", "/v1/lint") in operations and ("POST", "/v2/check") in operations
    body_operations = {("POST", "/v1/lint"), ("POST", "/v1/lint/batch"), ("POST", "/v2/check")}
    if mode == GenerationMode.NEGATIVE:  # an operation without parameters has no invalid input
        operations = [operation for operation in operations if operation in body_operations]
    seen: dict[tuple[str, str], set[int]] = {}
    for method, path in operations:
        statuses = seen.setdefault((method, path), set())
        _fuzz(api_schema[path][method], mode, api_server.url, statuses)
    assert set(seen) == set(operations)
    if mode == GenerationMode.POSITIVE:
        assert all(200 in seen[operation] for operation in body_operations), seen
    else:
        assert all(seen[operation] - {200} for operation in body_operations), seen
