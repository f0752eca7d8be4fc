"""Probes, metrics, request ids, privacy of logs, and overload (503) against live servers."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_conftest import API_KEYS, LiveServer, _serve

from linter.model import default_model_dir

SECRET = "Quetzal-Marmalade-Wombat says this mailbox is not monitored."  # no hex digits: ids are hex


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """require_model on with no model, one inference slot, text logging on: never ready, easily full."""
    empty = tmp_path_factory.mktemp("no-model")
    env = {
        "REPLYLINT_REQUIRE_MODEL": "true",
        "REPLYLINT_MODEL_DIR": str(empty / "absent"),
        "REPLYLINT_MAX_IN_FLIGHT": "1",
        "REPLYLINT_INFERENCE_THREADS": "1",
        "REPLYLINT_RETRY_AFTER_SECONDS": "2",
        "REPLYLINT_LOG_TEXT": "true",
    }
    yield from _serve(tmp_path_factory, "strict", env=env)


def test_api_healthz(api_server: LiveServer) -> None:
    with api_server.client() as client:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_api_readyz_reports_the_model(api_server: LiveServer) -> None:
    with api_server.client() as client:
        response = client.get("/readyz")
    body = response.json()
    shipped = default_model_dir().is_dir()
    assert response.status_code == 200 and body["ready"] is True
    assert body["model_loaded"] is shipped and (body["model"] is not None) is shipped
    assert body["require_model"] is False and body["rules"] > 0 and body["self_test"].startswith("passed")


def test_api_readyz_is_503_when_the_required_model_is_missing(strict_server: LiveServer) -> None:
    with strict_server.client() as client:
        response = client.get("/readyz")
        body = response.json()
        assert response.status_code == 503
        assert body["ready"] is False and body["model_loaded"] is False and body["require_model"] is True
        assert body["error"]["code"] == "E454" and "REPLYLINT_MODEL_DIR" in body["error"]["message"]
        assert body["request_id"] == response.headers["x-request-id"]
        # Alive, and still linting with rules, so a load balancer can tell "starting" from "dead".
        assert client.get("/healthz").status_code == 200
        assert client.post("/v1/lint", json={"text": "You will not receive a reply."}).json()["labels"] == ["closes_the_door"]


def _drafts_in_flight(metrics: str) -> float:
    found = re.search(r"^replylint_drafts_in_flight(?:\{[^}]*\})? (\S+)$", metrics, re.M)
    return float(found.group(1)) if found else 0.0


def test_api_overload_answers_503_with_retry_after(strict_server: LiveServer) -> None:
    """One slot: while a long batch holds it, other drafts are refused at once instead of queued."""
    batch = {
        "items": [{"id": i, "text": f"Draft {i}: you will not receive a reply. Please contact Expedia."} for i in range(1000)]
    }
    outcome: dict[str, httpx.Response] = {}

    def run_batch() -> None:
        with strict_server.client() as client:
            outcome["batch"] = client.post("/v1/lint/batch", json=batch)

    worker = threading.Thread(target=run_batch)
    worker.start()
    refused: list[httpx.Response] = []
    with strict_server.client() as client:
        # Probe only once the batch holds the slot: a probe that arrived first would take it itself.
        while worker.is_alive() and _drafts_in_flight(client.get("/metrics").text) < 1:
            time.sleep(0.005)
        while worker.is_alive() and not refused:
            response = client.post("/v1/lint", json={"text": "This mailbox is not monitored."})
            assert response.status_code in (200, 503)
            if response.status_code == 503:
                refused.append(response)
            assert client.get("/healthz").status_code == 200, "linting runs off the event loop"
    worker.join()
    assert outcome["batch"].status_code == 200 and outcome["batch"].json()["errors"] == 0
    assert refused, "the batch finished before any request found the server full"
    assert refused[0].headers["retry-after"] == "2"
    assert refused[0].json()["error"]["code"] == "E453"
    with strict_server.client() as client:  # the slot is free again
        assert client.post("/v1/lint", json={"text": "Hi"}).status_code == 200


def test_api_request_ids_in_responses_and_logs(api_server: LiveServer) -> None:
    with api_server.client() as client:
        mine = client.post("/v1/lint", json={"text": "Hi"}, headers={"X-Request-ID": "ticket-123.lint-7"})
        assert mine.headers["x-request-id"] == "ticket-123.lint-7"
        generated = {client.get("/healthz").headers["x-request-id"] for _ in range(3)}
        assert len(generated) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", value) for value in generated)
        unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
        assert unsafe.headers["x-request-id"] != "bad id\twith spaces"
        error = client.get("/missing")
        assert error.json()["request_id"] == error.headers["x-request-id"]
    not_found = re.escape(f"[{error.headers['x-request-id']}] GET unmatched 404")
    log = api_server.log_after(not_found)
    assert re.search(not_found, log)
    assert re.search(r"\[ticket-123\.lint-7\] POST /v1/lint 200", log)


def test_api_logs_and_metrics_never_hold_draft_text(api_server: LiveServer) -> None:
    with api_server.client() as client:
        assert "closes_the_door" in client.post("/v1/lint", json={"text": SECRET}).json()["labels"]
        client.post("/v1/lint", json={"text": 5, "note": SECRET})
        client.post("/v1/lint/batch", json={"items": [{"text": SECRET}, {"text": SECRET * 3000}]})
        client.post("/v2/check", data={"text": SECRET, "language": "en-US"})
        client.post("/v2/check", data={"text": SECRET, "language": "xx-YY"})
        client.post(f"/v1/{SECRET}", json={})
        metrics = client.get("/metrics").text  # on the same connection: the lines above are written by now
    log = api_server.log()
    for word in ("Quetzal", "Marmalade", "Wombat"):
        assert word not in log, [line[:300] for line in log.splitlines() if word in line][:3]
        assert word not in metrics


def test_api_log_text_only_when_enabled(strict_server: LiveServer) -> None:
    with strict_server.client() as client:
        response = client.post("/v1/lint", json={"text": SECRET})
    log = strict_server.log_after(re.escape(response.headers["x-request-id"]) + r"\] POST /v1/lint 200")
    assert f"[{response.headers['x-request-id']}] draft text (log_text is on): 'Quetzal-Marmalade-Wombat" in log


def test_api_metrics_by_route_status_and_label(api_server: LiveServer) -> None:
    with api_server.client() as client:
        client.post("/v1/lint", json={"text": "You will not receive a reply."})
        client.post("/v1/lint", json={"text": 1})
        client.get("/nowhere/at/all")
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert re.search(r'replylint_http_requests_total\{method="POST",route="/v1/lint",status="200"\} [1-9]', text)
    assert re.search(r'replylint_http_requests_total\{method="POST",route="/v1/lint",status="422"\} [1-9]', text)
    assert re.search(r'replylint_http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]', text)
    assert 'replylint_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/v1/lint",status="200"}' in text
    assert re.search(r'replylint_findings_total\{label="closes_the_door"\} [1-9]', text)
    assert re.search(r'replylint_drafts_linted_total\{endpoint="lint"\} [1-9]', text)
    assert "nowhere" not in text, "routes are templates, never raw paths"


def test_api_metrics_add_up_across_workers(keyed_server: LiveServer) -> None:
    headers = {"X-API-Key": API_KEYS["extension"]}
    with keyed_server.client() as client:
        for _ in range(10):
            assert client.post("/v1/lint", json={"text": "This mailbox is not monitored."}, headers=headers).status_code == 200
        text = client.get("/metrics").text
    found = re.search(r'replylint_http_requests_total\{method="POST",route="/v1/lint",status="200"\} ([0-9.]+)', text)
    assert found and float(found.group(1)) >= 10
    pids = set(re.findall(r"Started server process \[(\d+)\]", keyed_server.log()))
    assert len(pids) >= 2, "two worker processes"


def test_api_openapi_documents_every_route_with_examples(api_server: LiveServer) -> None:
    with api_server.client() as client:
        spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/v1/lint",
        "/v1/lint/batch",
        "/v1/rewrite",
        "/v1/labels",
        "/v1/rules",
        "/v1/feedback",
        "/v1/stats",
        "/healthz",
        "/readyz",
        "/metrics",
        "/v2/check",
        "/v2/languages",
    }
    schemas = spec["components"]["schemas"]
    assert schemas["LintRequest"]["examples"] and schemas["BatchRequest"]["examples"] and schemas["FeedbackIn"]["examples"]
    lint = spec["paths"]["/v1/lint"]["post"]
    assert {"200", "413", "415", "422", "503"} <= set(lint["responses"])


def test_api_serve_rejects_a_bad_config(tmp_path: Path) -> None:
    import subprocess

    from api_conftest import ROOT, SERVE

    config = tmp_path / "bad.yaml"
    config.write_text("workers: many\n")
    result = subprocess.run([*SERVE, "--config", str(config)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "[E471]" in result.stderr and "workers" in result.stderr


def test_api_worker_freezes_its_linter_before_serving() -> None:
    """A full garbage collection over the linter's objects paused every draft in flight for 73 ms."""
    from api_conftest import ROOT
    from helpers import run_python

    script = (
        "import gc\n"
        "from fastapi.testclient import TestClient\n"
        "from api.app import create_app\n"
        "assert gc.get_freeze_count() == 0\n"
        "with TestClient(create_app()) as client:\n"
        "    assert client.post('/v1/lint', json={'text': 'This mailbox is not monitored.'}).status_code == 200\n"
        "    print(gc.get_freeze_count())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPLYLINT_") or k == "REPLYLINT_CACHE_DIR"}
    assert int(run_python(script, cwd=ROOT, env=env).split()[-1]) > 50_000
