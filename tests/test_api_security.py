"""API keys (off, on, 401, 403, hashed storage), CORS for the extension and helpdesks only, rate limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from api_conftest import API_KEYS, EXTENSION_ID, HELPDESK_ORIGIN, RATE_LIMIT_BURST, LiveServer

from api import keys as api_keys
from linter.cli import main
from linter.errors import ReplylintError

OTHER_EXTENSION = "chrome-extension://" + "p" * 32
PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type"}


def test_api_no_key_needed_without_a_keys_file(api_server: LiveServer) -> None:
    with api_server.client() as client:
        assert client.post("/v1/lint", json={"text": "Hi"}).status_code == 200
        assert client.get("/v1/labels", headers={"Authorization": "Bearer anything"}).status_code == 200


def test_api_missing_key_is_401(keyed_server: LiveServer) -> None:
    with keyed_server.client() as client:
        for response in (client.post("/v1/lint", json={"text": "Hi"}), client.get("/v1/rules"), client.get("/v2/languages")):
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "E401"
            assert response.headers["www-authenticate"].startswith("Bearer")
        # Authorization with another scheme is not a key.
        assert client.get("/v1/labels", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401


def test_api_wrong_key_is_403(keyed_server: LiveServer) -> None:
    with keyed_server.client() as client:
        for headers in (
            {"Authorization": "Bearer rl_wrong"},
            {"X-API-Key": "rl_wrong"},
            {"X-API-Key": api_keys.hash_key(API_KEYS["helpdesk"])},
        ):
            response = client.post("/v1/lint", json={"text": "Hi"}, headers=headers)
            assert response.status_code == 403 and response.json()["error"]["code"] == "E403"


def test_api_valid_key_in_either_header(keyed_server: LiveServer) -> None:
    with keyed_server.client() as client:
        bearer = client.post(
            "/v1/lint",
            json={"text": "You will not receive a reply."},
            headers={"Authorization": f"Bearer {API_KEYS['helpdesk']}"},
        )
        header = client.post(
            "/v1/lint", json={"text": "You will not receive a reply."}, headers={"X-API-Key": API_KEYS["extension"]}
        )
        assert bearer.status_code == header.status_code == 200
        assert bearer.json() == header.json()
        # Auth comes before parsing: a keyless request with a broken body is 401, not 422.
        assert client.post("/v1/lint", content=b"{", headers={"content-type": "application/json"}).status_code == 401


def test_api_probes_and_docs_need_no_key(keyed_server: LiveServer) -> None:
    with keyed_server.client() as client:
        for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
            assert client.get(path).status_code in (200, 503), path


def test_api_rate_limit_per_key_is_429(keyed_server: LiveServer) -> None:
    # Two workers each hold a bucket of RATE_LIMIT_BURST, refilled at 1/s: 3x the burst must overflow.
    statuses = []
    with keyed_server.client() as client:
        for _ in range(3 * RATE_LIMIT_BURST):
            response = client.get("/v1/labels", headers={"X-API-Key": API_KEYS["burst"]})
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) >= 1
                assert response.json()["error"]["code"] == "E429"
        assert set(statuses) == {200, 429} and statuses[0] == 200
        # Other keys have their own buckets.
        assert client.get("/v1/labels", headers={"X-API-Key": API_KEYS["helpdesk"]}).status_code == 200


@pytest.mark.parametrize("origin", [f"chrome-extension://{EXTENSION_ID}", HELPDESK_ORIGIN])
def test_api_cors_preflight_admits_the_extension_and_helpdesk(api_server: LiveServer, origin: str) -> None:
    with api_server.client() as client:
        response = client.options("/v1/lint", headers={"origin": origin, **PREFLIGHT})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert "POST" in response.headers["access-control-allow-methods"]
        assert "authorization" in response.headers["access-control-allow-headers"].lower()
        actual = client.post("/v1/lint", json={"text": "Hi"}, headers={"origin": origin})
        assert actual.headers["access-control-allow-origin"] == origin
        assert "x-request-id" in actual.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize("origin", ["https://evil.example", OTHER_EXTENSION, "null", "https://acme.zendesk.com.evil.example"])
def test_api_cors_refuses_other_origins(api_server: LiveServer, origin: str) -> None:
    with api_server.client() as client:
        response = client.options("/v1/lint", headers={"origin": origin, **PREFLIGHT})
        assert response.status_code == 400
        assert "access-control-allow-origin" not in response.headers
        actual = client.post("/v1/lint", json={"text": "Hi"}, headers={"origin": origin})
        assert "access-control-allow-origin" not in actual.headers


def test_api_cors_any_extension_in_development(keyed_server: LiveServer) -> None:
    with keyed_server.client() as client:
        response = client.options("/v1/lint", headers={"origin": OTHER_EXTENSION, **PREFLIGHT})
        assert response.status_code == 200 and response.headers["access-control-allow-origin"] == OTHER_EXTENSION
        refused = client.options("/v1/lint", headers={"origin": "https://evil.example", **PREFLIGHT})
        assert "access-control-allow-origin" not in refused.headers
        # A refusal still carries CORS headers, so the extension can read why.
        unauthorized = client.post("/v1/lint", json={"text": "Hi"}, headers={"origin": OTHER_EXTENSION})
        assert unauthorized.status_code == 401 and unauthorized.headers["access-control-allow-origin"] == OTHER_EXTENSION


def test_api_keys_add_stores_only_a_hash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "keys.txt"
    assert main(["keys", "add", "helpdesk-eu", "--file", str(path)]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("rl_") and len(key) > 40
    stored = path.read_text()
    assert key not in stored and api_keys.hash_key(key) in stored
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert api_keys.KeyStore(path).name_for(key) == "helpdesk-eu"
    assert main(["keys", "add", "helpdesk-eu", "--file", str(path)]) == 2
    assert "[E472]" in capsys.readouterr().err


def test_api_keys_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text("# ok\nalpha sha256:" + "0" * 64 + "\nbeta plain-key\n")
    with pytest.raises(ReplylintError) as info:
        api_keys.KeyStore(path)
    assert info.value.code == "E472" and "line 3" in info.value.message
    with pytest.raises(ReplylintError) as info:
        api_keys.KeyStore(tmp_path / "missing.txt")
    assert info.value.code == "E473"


def test_api_keys_reload_when_the_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_keys, "RELOAD_INTERVAL", 0.0)
    path = tmp_path / "keys.txt"
    first = api_keys.add_key(path, "first")
    store = api_keys.KeyStore(path)
    second = api_keys.add_key(path, "second")
    os.utime(path, (1, 1))  # a different modification time, whatever the clock's resolution
    assert store.name_for(second) == "second" and store.name_for(first) == "first"
    path.write_text("broken\n")
    os.utime(path, (2, 2))
    assert store.name_for(first) == "first", "a broken file keeps the previous keys"
