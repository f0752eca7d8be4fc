"""/v2/check and /v2/languages, driven by a real LanguageTool client (language_tool_python) and by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator

import language_tool_python
import pytest
from api_conftest import LiveServer

from api import languagetool
from linter.taxonomy import LABEL_IDS

DRAFT = "Hi Mark 👋,\n\nExpedia is a third party. Please contact Expedia for further investigation. You will not receive a reply."


@pytest.fixture(scope="module")
def tool(api_server: LiveServer) -> Iterator[language_tool_python.LanguageTool]:
    client = language_tool_python.LanguageTool("en-US", remote_server=api_server.url)
    try:
        yield client
    finally:
        client.close()


def _utf16_slice(text: str, offset: int, length: int) -> str:
    return text.encode("utf-16-le", "surrogatepass")[offset * 2 : (offset + length) * 2].decode("utf-16-le", "surrogatepass")


def test_api_languagetool_client_checks_a_draft(tool: language_tool_python.LanguageTool) -> None:
    matches = tool.check(DRAFT)
    categories = {match.category for match in matches}
    assert "CLOSES_THE_DOOR" in categories and "DEFLECTS_OWNERSHIP" in categories
    for match in matches:
        # The client turns LanguageTool's UTF-16 offsets into Python ones; the span must land on the text.
        flagged = DRAFT[match.offset : match.offset + match.error_length]
        assert flagged and flagged in match.sentence
        # Context offsets stay in UTF-16 units (the client converts only the main offset), as from LanguageTool.
        assert _utf16_slice(match.context, match.offset_in_context, match.error_length) == flagged
        assert match.rule_issue_type == "style" and match.message
        assert match.category.lower() in LABEL_IDS


def test_api_languagetool_client_disables_rules(api_server: LiveServer) -> None:
    client = language_tool_python.LanguageTool("en-GB", remote_server=api_server.url)
    try:
        rule_ids = {match.rule_id for match in client.check(DRAFT)}
        assert rule_ids
        client.disabled_categories = {"CLOSES_THE_DOOR"}
        assert not any(match.category == "CLOSES_THE_DOOR" for match in client.check(DRAFT))
        client.disabled_categories = set()
        client.enabled_rules = {next(iter(rule_ids))}
        client.enabled_rules_only = True
        assert {match.rule_id for match in client.check(DRAFT)} == {next(iter(rule_ids))}
    finally:
        client.close()


def test_api_languagetool_offsets_are_utf16(api_server: LiveServer) -> None:
    text = "😀😀 Thanks! 🙏🏽 This mailbox is not monitored."
    with api_server.client() as client:
        body = client.post("/v2/check", data={"text": text, "language": "en-US"}).json()
    assert body["language"]["code"] == "en-US" and body["software"]["apiVersion"] == 1
    [match] = body["matches"]
    assert _utf16_slice(text, match["offset"], match["length"]) == "mailbox is not monitored"
    context = match["context"]
    assert _utf16_slice(context["text"], context["offset"], context["length"]) == "mailbox is not monitored"
    assert match["rule"]["category"] == {"id": "CLOSES_THE_DOOR", "name": "Closes the door"}
    assert set(match) >= {"message", "shortMessage", "replacements", "offset", "length", "context", "sentence", "rule"}


def test_api_languagetool_annotated_data_maps_offsets_back(api_server: LiveServer) -> None:
    annotation = [
        {"markup": "<p>"},
        {"text": "Hi 😀 Ana,"},
        {"markup": "</p><p>", "interpretAs": "\n\n"},
        {"text": "This "},
        {"markup": "<b>"},
        {"text": "mailbox is not monitored"},
        {"markup": "</b>"},
        {"text": "."},
        {"markup": "</p>"},
    ]
    original = "".join(part.get("text", part.get("markup", "")) for part in annotation)
    with api_server.client() as client:
        body = client.post("/v2/check", data={"data": json.dumps({"annotation": annotation}), "language": "auto"}).json()
    [match] = body["matches"]
    assert _utf16_slice(original, match["offset"], match["length"]) == "mailbox is not monitored"


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({"text": "Hi"}, 422, "E422"),
        ({"language": "en-US"}, 422, "E422"),
        ({"text": "Hi", "data": "{}", "language": "en-US"}, 422, "E422"),
        ({"data": "not json", "language": "en-US"}, 422, "E422"),
        ({"data": '{"annotation": [{"text": 1}]}', "language": "en-US"}, 422, "E422"),
        ({"data": '{"annotation": [{"text": "a", "markup": "b"}]}', "language": "en-US"}, 422, "E422"),
        ({"text": "Hallo", "language": "de-DE"}, 422, "E423"),
    ],
)
def test_api_languagetool_bad_input(api_server: LiveServer, form: dict, status: int, code: str) -> None:
    with api_server.client() as client:
        response = client.post("/v2/check", data=form)
    assert response.status_code == status and response.json()["error"]["code"] == code


def test_api_languagetool_languages(api_server: LiveServer) -> None:
    with api_server.client() as client:
        languages = client.get("/v2/languages").json()
    assert {"name": "English (US)", "code": "en", "longCode": "en-US"} in languages
    assert all(item["code"] == "en" for item in languages)


def test_api_languagetool_multipart_form(api_server: LiveServer) -> None:
    with api_server.client() as client:
        response = client.post("/v2/check", files={"text": (None, "You will not receive a reply."), "language": (None, "en")})
    assert response.status_code == 200 and response.json()["matches"][0]["rule"]["id"].startswith("closes_the_door.")


def test_api_languagetool_segments_map_code_points_to_utf16() -> None:
    source = languagetool.parse_input(
        None,
        json.dumps(
            {"annotation": [{"markup": "<x>"}, {"text": "a😀b"}, {"markup": "<br/>", "interpretAs": "\n"}, {"text": "c"}]}
        ),
    )
    assert source.plain == "a😀b\nc"
    assert [source.to_original(i, is_end=False) for i in range(len(source.plain) + 1)] == [3, 4, 6, 7, 12, 13]
    assert source.to_original(3, is_end=True) == 7 and source.to_original(4, is_end=True) == 12
