"""/v1/lint, /v1/lint/batch, /v1/labels, /v1/rules against a live server."""

from __future__ import annotations

import jsonschema
import pytest
from api_conftest import LiveServer
from helpers import utf16_slice

from linter.taxonomy import CONTEXT_LABEL_IDS, LABEL_IDS

ENTERPRISE = (
    "Hello Mark, I can understand how this experience would be frustrating for you. Expedia is an independent "
    "third party brokerage service that is not affiliated with Enterprise. If given the wrong information such "
    "as the address and pickup time, please contact Expedia for further investigation."
)
CLEAN = "Hi Priya, I've booked an engineer for tomorrow at 9:00 and credited this month's line rental. I'll call you by 5pm."


def _assert_offsets(text: str, report: dict) -> None:
    for finding in report["findings"]:
        for span in (finding, finding["sentence"], *finding["suggestions"]):
            assert text[span["start"] : span["end"]] == span["text"]
            assert utf16_slice(text, span["start_utf16"], span["end_utf16"]) == span["text"]


def test_api_lint_returns_the_report(api_server: LiveServer, report_schema: dict) -> None:
    with api_server.client() as client:
        response = client.post(
            "/v1/lint", json={"text": ENTERPRISE, "context": {"company": "Enterprise", "partners": ["Expedia"]}}
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    report = response.json()
    jsonschema.validate(report, report_schema)
    assert "deflects_ownership" in report["labels"]
    assert report["verdict"] in ("warn", "fail") and 0 < report["score"] <= 1
    _assert_offsets(ENTERPRISE, report)
    assert any(finding["suggestions"] for finding in report["findings"])


@pytest.mark.parametrize(
    "text",
    [
        "😀😀 You will not receive a reply. 👍",
        "Thanks 🙏🏽 for waiting.\n\nThis mailbox is not monitored.",
        "Ça va? 𝒜 As I already explained, this is not possible.",
    ],
)
def test_api_lint_offsets_in_both_units(api_server: LiveServer, report_schema: dict, text: str) -> None:
    with api_server.client() as client:
        report = client.post("/v1/lint", json={"text": text}).json()
    jsonschema.validate(report, report_schema)
    assert report["findings"], report
    assert report["text_length"] == len(text)
    assert report["text_length_utf16"] == len(text.encode("utf-16-le")) // 2
    _assert_offsets(text, report)


def test_api_lint_clean_and_empty_drafts_pass(api_server: LiveServer) -> None:
    with api_server.client() as client:
        for text in (CLEAN, "", "   \n"):
            report = client.post("/v1/lint", json={"text": text}).json()
            assert report["verdict"] == "pass" and report["findings"] == [], text


def test_api_lint_batch_keeps_order_and_isolates_bad_items(api_server: LiveServer, report_schema: dict) -> None:
    items = [
        {"id": "door", "text": "You will not receive a reply."},
        {"id": 2, "text": 42},
        {"id": "clean", "text": CLEAN},
        "not an object",
        {"id": "long", "text": "x" * 50_001},
        {"id": "ctx", "text": "This mailbox is not monitored.", "context": {"partners": "Expedia"}},
        {"id": "extra", "text": "Hello", "colour": "red"},
        {"text": ENTERPRISE},
    ]
    with api_server.client() as client:
        response = client.post("/v1/lint/batch", json={"items": items})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(items) and [r["index"] for r in body["results"]] == list(range(len(items)))
    results = body["results"]
    assert [r["id"] for r in results] == ["door", 2, "clean", None, "long", "ctx", "extra", None]
    assert results[0]["report"]["labels"] == ["closes_the_door"]
    assert results[1]["error"]["code"] == "E422" and "items[1].text" in results[1]["error"]["message"]
    assert results[2]["report"]["verdict"] == "pass"
    assert results[3]["error"]["code"] == "E422"
    assert results[4]["error"]["code"] == "E001"
    assert results[5]["error"]["code"] == "E422" and "partners" in results[5]["error"]["message"]
    assert results[6]["error"]["code"] == "E422" and "colour" in results[6]["error"]["message"]
    assert "deflects_ownership" in results[7]["report"]["labels"]
    assert body["errors"] == 5
    for result in results:
        if "report" in result:
            jsonschema.validate(result["report"], report_schema)


def test_api_lint_batch_of_a_thousand(api_server: LiveServer) -> None:
    texts = [f"Ticket {i}: you will not receive a reply." if i % 2 else f"Ticket {i}: I've fixed it today." for i in range(1000)]
    with api_server.client() as client:
        body = client.post("/v1/lint/batch", json={"items": [{"id": i, "text": t} for i, t in enumerate(texts)]}).json()
    assert body["count"] == 1000 and body["errors"] == 0
    for i, result in enumerate(body["results"]):
        assert result["id"] == i and result["report"]["text_length"] == len(texts[i])
        assert ("closes_the_door" in result["report"]["labels"]) == bool(i % 2)


def test_api_labels_are_the_taxonomy(api_server: LiveServer) -> None:
    with api_server.client() as client:
        labels = client.get("/v1/labels").json()["labels"]
    assert [label["id"] for label in labels] == [*LABEL_IDS, *CONTEXT_LABEL_IDS]
    assert [label["category"] for label in labels] == ["tone"] * len(LABEL_IDS) + ["context"] * len(CONTEXT_LABEL_IDS)
    for label in labels:
        assert label["name"] and label["description"] and label["customer_hears"] and label["rewrite_direction"]


def test_api_lint_checks_the_draft_against_the_context(api_server: LiveServer, report_schema: dict) -> None:
    text = "Hello Dan,\n\nPlease contact Travelocity for further investigation."
    context = {
        "customer_name": "Mark",
        "partners": ["Expedia", "Travelocity"],
        "customer_messages": ["My Expedia booking failed."],
    }
    with api_server.client() as client:
        with_context = client.post("/v1/lint", json={"text": text, "context": context}).json()
        without = client.post("/v1/lint", json={"text": text}).json()
        batch = client.post("/v1/lint/batch", json={"items": [{"text": text, "context": context}]}).json()
    jsonschema.validate(with_context, report_schema)
    assert {"wrong_recipient", "wrong_partner", "no_next_step"} <= set(with_context["labels"])
    assert not set(without["labels"]) & set(CONTEXT_LABEL_IDS)
    assert batch["results"][0]["report"]["labels"] == with_context["labels"]
    partner = next(f for f in with_context["findings"] if f["label"] == "wrong_partner")
    assert partner["text"] == "Travelocity" and partner["suggestions"][0]["replacement"] == "Expedia"
    _assert_offsets(text, with_context)


def test_api_rules_list_the_loaded_rules(api_server: LiveServer) -> None:
    from linter.rules import load_rules

    with api_server.client() as client:
        rules = client.get("/v1/rules").json()["rules"]
    assert {rule["id"] for rule in rules} == {rule.id for rule in load_rules()}
    for rule in rules:
        assert rule["label"] in LABEL_IDS and rule["id"].startswith(rule["label"] + ".")
        assert rule["message"] and rule["severity"] in ("error", "warning", "info")


def test_api_rewrite_returns_text_edits_and_placeholders(api_server: LiveServer, report_schema: dict) -> None:
    text = "Hi Zoë 👋,\n\nExpedia is an independent third party that is not affiliated with us. Please contact them.\n\nBest,\nJo"
    with api_server.client() as client:
        response = client.post("/v1/rewrite", json={"text": text})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "I'll contact Expedia" in body["text"] and body["text"].startswith("Hi Zoë 👋,")
        assert body["edits"] and body["placeholders"]
        for edit in body["edits"]:
            assert text[edit["start"] : edit["end"]] == edit["old"]
            assert utf16_slice(text, edit["start_utf16"], edit["end_utf16"]) == edit["old"]
        for placeholder in body["placeholders"]:
            assert utf16_slice(body["text"], placeholder["start_utf16"], placeholder["end_utf16"]) == placeholder["text"]
        jsonschema.validate(body["report"], report_schema)
        assert body["after"]["findings"] == []
        too_long = client.post("/v1/rewrite", json={"text": "x" * 60_000})
        assert too_long.status_code == 413 and too_long.json()["error"]["code"] == "E001"
