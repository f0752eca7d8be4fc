"""Teams and feedback over HTTP, against live servers (two workers) on SQLite and on PostgreSQL:
per-key team configs, reload without restart, POST /v1/feedback, GET /v1/stats, isolation,
retention at start, and 50 concurrent writers with every record accounted for."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_conftest import LiveServer

from api.keys import key_line
from linter.feedback import FeedbackRecord, FeedbackStore, sentence_hash
from linter.feedback.store import DAY_MS, now_ms

TEAMS = Path(__file__).resolve().parent / "data" / "teams"
KEYS = {
    "acme-agent": ("rl_test-acme-agent", "acme"),
    "acme-lead": ("rl_test-acme-lead", "acme"),
    "globex-agent": ("rl_test-globex-agent", "globex"),
    "solo": ("rl_test-solo", None),
}
LEGAL = "Acme Rentals is not affiliated with resellers and cannot change bookings made through them."
PACK_DRAFT = "Under company policy all drivers need a licence held for a year."
NO_REPLY = "You will not receive a reply."


def _headers(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[name][0]}"}


def _verdict(verdict: str = "dismissed", **extra: object) -> dict[str, object]:
    return {"verdict": verdict, "rule_id": "closes_the_door.no_reply", "label": "closes_the_door", "sentence": NO_REPLY, **extra}


class TeamServer:
    def __init__(self, server: LiveServer, database: str, teams_dir: Path) -> None:
        self.server, self.database, self.teams_dir = server, database, teams_dir

    def client(self, key: str) -> httpx.Client:
        return self.server.client(headers=_headers(key))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def team_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamServer]:
    folder = tmp_path_factory.mktemp(f"teams-{request.param}")
    teams_dir = folder / "teams"
    shutil.copytree(TEAMS, teams_dir)
    keys_file = folder / "keys.txt"
    keys_file.write_text("".join(key_line(name, key, team) + "\n" for name, (key, team) in KEYS.items()), encoding="utf-8")
    if request.param == "sqlite":
        database, cleanup = str(folder / "feedback.sqlite3"), None
    else:
        postgres = request.getfixturevalue("postgres_server")
        name = postgres.new_database()
        database, cleanup = postgres.url(name), lambda: postgres.drop_database(name)
    # Old feedback waiting for the retention purge at start: acme keeps 30 days, teams without a config 90.
    with FeedbackStore(database) as store:
        for team, days, event in [("acme", 40, "acme-40d"), ("globex", 40, "globex-40d"), ("globex", 100, "globex-100d")]:
            store.record(
                FeedbackRecord(
                    team,
                    "dismissed",
                    "closes_the_door.no_reply",
                    "closes_the_door",
                    sentence_hash(event),
                    event_id=event,
                    created_ms=now_ms() - days * DAY_MS,
                )
            )
    env = {
        "REPLYLINT_API_KEYS_FILE": str(keys_file),
        "REPLYLINT_TEAMS_DIR": str(teams_dir),
        "REPLYLINT_FEEDBACK_DATABASE": database,
        "REPLYLINT_MODEL_DIR": str(folder / "no-model"),  # rules alone: these tests are about teams, not the model
    }
    server = LiveServer(folder / "server.log", env=env, args=("--workers", "2")).start()
    try:
        yield TeamServer(server, database, teams_dir)
    finally:
        server.stop()
        if cleanup:
            cleanup()


def test_api_feedback_each_key_lints_with_its_teams_config(team_server: TeamServer) -> None:
    with team_server.client("acme-agent") as acme, team_server.client("globex-agent") as globex:
        acme_report = acme.post("/v1/lint", json={"text": f"{PACK_DRAFT} {LEGAL}"}).json()
        globex_report = globex.post("/v1/lint", json={"text": f"{PACK_DRAFT} {LEGAL}"}).json()
        assert [(f["rule_id"], f["severity"]) for f in acme_report["findings"]] == [
            ("process_over_customer.acme_per_our_policy", "error")  # acme's pack, acme's severity; the legal line allowlisted
        ]
        assert [f["label"] for f in globex_report["findings"]] == ["deflects_ownership"]
        acme_rules = {rule["id"] for rule in acme.get("/v1/rules").json()["rules"]}
        globex_rules = {rule["id"] for rule in globex.get("/v1/rules").json()["rules"]}
        assert acme_rules - globex_rules == {"process_over_customer.acme_per_our_policy"}
        assert globex_rules - acme_rules == {"vague_commitment.wide_window"}
        matches = acme.post("/v2/check", data={"text": PACK_DRAFT, "language": "en-US"}).json()["matches"]
        assert [m["rule"]["id"] for m in matches] == ["process_over_customer.acme_per_our_policy"]


def test_api_feedback_round_trip_and_stats(team_server: TeamServer) -> None:
    with team_server.client("acme-agent") as agent, team_server.client("acme-lead") as lead:
        first = agent.post("/v1/feedback", json=_verdict(event_id="rt-1", model_score=0.93))
        assert first.status_code == 201, first.text
        body = first.json()
        assert body["team"] == "acme" and body["stored_text"] is True and body["duplicate"] is False
        assert body["sentence_hash"] == sentence_hash(NO_REPLY)
        retry = agent.post("/v1/feedback", json=_verdict(event_id="rt-1", model_score=0.93))
        assert (
            retry.status_code == 200
            and retry.json()["event_id"] == body["event_id"] == "rt-1"
            and retry.json()["duplicate"] is True
        )
        for verdict in ("dismissed", "dismissed", "dismissed", "accepted"):
            assert agent.post("/v1/feedback", json=_verdict(verdict)).status_code == 201
        stats = lead.get("/v1/stats").json()  # another key of the same team sees it
    assert stats["team"] == "acme" and stats["store_text"] is True and stats["retention_days"] == 30
    rule = next(r for r in stats["rules"] if r["rule_id"] == "closes_the_door.no_reply")
    assert rule["dismissed"] >= 4 and rule["accepted"] >= 1 and rule["dismissal_rate"] >= 0.4
    assert "closes_the_door.no_reply" in stats["rules_over_threshold"]  # acme: 40% of at least 5
    assert stats["config"]["pack_rules"] == 1 and stats["config"]["disabled_rules"] == ["vague_commitment.wide_window"]
    with FeedbackStore(team_server.database) as store:  # acme opted in: the sentence is stored
        assert (NO_REPLY,) in store._read("SELECT sentence FROM feedback WHERE team = ? AND event_id = ?", ("acme", "rt-1"))


def test_api_feedback_teams_are_isolated_and_text_stays_out_without_opt_in(team_server: TeamServer) -> None:
    with team_server.client("globex-agent") as globex, team_server.client("solo") as solo:
        posted = globex.post(
            "/v1/feedback", json=_verdict(rule_id="condescending.as_i_said", label="condescending", event_id="iso-1")
        )
        assert posted.status_code == 201 and posted.json()["stored_text"] is False and posted.json()["team"] == "globex"
        globex_stats = globex.get("/v1/stats").json()
        solo_stats = solo.get("/v1/stats").json()
    assert globex_stats["store_text"] is False
    assert {r["rule_id"] for r in globex_stats["rules"]} == {"condescending.as_i_said", "closes_the_door.no_reply"}
    assert globex_stats["records"] == 2  # its own record and the 40-day-old one; none of acme's
    assert solo_stats["team"] == "solo" and solo_stats["records"] == 0 and solo_stats["rules"] == []
    with FeedbackStore(team_server.database) as store:
        assert store._read("SELECT sentence FROM feedback WHERE team = ? AND event_id = ?", ("globex", "iso-1")) == [(None,)]


def test_api_feedback_retention_ran_at_start(team_server: TeamServer) -> None:
    with FeedbackStore(team_server.database) as store:
        events = {row[0] for row in store._read("SELECT event_id FROM feedback WHERE event_id LIKE ?", ("%-%d",))}
    assert events == {"globex-40d"}  # acme's 40-day record (30-day retention) and globex's 100-day one are gone


def test_api_feedback_needs_a_key_and_valid_fields(team_server: TeamServer) -> None:
    with team_server.server.client() as anonymous:
        assert anonymous.post("/v1/feedback", json=_verdict()).status_code == 401
        assert anonymous.get("/v1/stats").status_code == 401
    with team_server.client("acme-agent") as agent:
        bad = agent.post(
            "/v1/feedback", json={"verdict": "ignored", "rule_id": "x.y", "label": "closes_the_door", "sentence": "x"}
        )
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "E422"
        bad_label = agent.post("/v1/feedback", json=_verdict(label="rude"))
        assert bad_label.status_code == 422 and bad_label.json()["error"]["code"] == "E523"
        no_sentence = agent.post("/v1/feedback", json={"verdict": "accepted", "rule_id": "x.y", "label": "condescending"})
        assert no_sentence.status_code == 422 and "sentence_hash" in no_sentence.json()["error"]["message"]
        hashed = agent.post(
            "/v1/feedback", json={**_verdict(), "sentence": None, "sentence_hash": sentence_hash("Some sentence.")}
        )
        assert hashed.status_code == 201 and hashed.json()["stored_text"] is False


def test_api_feedback_50_concurrent_writers_lose_nothing(team_server: TeamServer) -> None:
    run = uuid.uuid4().hex[:8]
    events = [f"{run}-{writer}-{index}" for writer in range(50) for index in range(10)]

    async def main() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(
            base_url=team_server.server.url, headers=_headers("globex-agent"), timeout=60, limits=limits
        ) as client:

            async def writer(number: int) -> list[httpx.Response]:
                mine = [e for e in events if e.split("-")[1] == str(number)]
                return [await client.post("/v1/feedback", json=_verdict(event_id=event)) for event in mine]

            results = await asyncio.gather(*(writer(n) for n in range(50)))
        return [response for responses in results for response in responses]

    responses = asyncio.run(main())
    assert [r.status_code for r in responses] == [201] * len(events)
    assert sorted(r.json()["event_id"] for r in responses) == sorted(events)
    assert not any(r.json()["duplicate"] for r in responses)
    with FeedbackStore(team_server.database) as store:
        stored = {
            row[0]
            for row in store._read("SELECT event_id FROM feedback WHERE team = ? AND event_id LIKE ?", ("globex", run + "-%"))
        }
    assert stored == set(events)


def test_api_feedback_team_config_reload_takes_effect_without_restart(team_server: TeamServer) -> None:
    config = team_server.teams_dir / "acme.yaml"
    original = config.read_text(encoding="utf-8")
    pid = team_server.server.process.pid
    draft = "You will not receive a reply."

    def labels_seen(client: httpx.Client) -> set[tuple[str, ...]]:
        # Several requests, so both workers answer.
        return {tuple(client.post("/v1/lint", json={"text": draft}).json().get("labels", ["?"])) for _ in range(6)}

    def wait_for(client: httpx.Client, expected: set[tuple[str, ...]]) -> float:
        started = time.monotonic()
        while time.monotonic() - started < 20:
            if labels_seen(client) == expected:
                return time.monotonic() - started
            time.sleep(0.2)
        raise AssertionError(f"still {labels_seen(client)} after 20 s")

    try:
        with team_server.client("acme-agent") as acme, team_server.client("globex-agent") as globex:
            assert labels_seen(acme) == {("closes_the_door",)}
            config.write_text(
                original.replace("disable_rules:", "disable_labels: [closes_the_door]\ndisable_rules:"), encoding="utf-8"
            )
            took = wait_for(acme, {()})
            assert took < 10
            assert labels_seen(globex) == {("closes_the_door",)}  # another team's config is not touched
            config.write_text("disable_labels: [rude]\n", encoding="utf-8")  # a broken edit: the last good config stays
            time.sleep(3)
            assert labels_seen(acme) == {()}
            assert "E513" in team_server.server.log_after("E513")
    finally:
        config.write_text(original, encoding="utf-8")
    with team_server.client("acme-agent") as acme:
        wait_for(acme, {("closes_the_door",)})
    assert team_server.server.process.pid == pid  # the same server throughout
