"""The feedback store on both databases: round trip, idempotent retries, stats and threshold,
training export, 50 concurrent writers (threads, and processes like API workers), durability
across a killed writer, team isolation, retention, migrations, privacy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from linter import ReplylintError
from linter.feedback import FeedbackRecord, FeedbackStore, sentence_hash, training_examples
from linter.feedback.migrations import LATEST, SCHEMA_TABLE
from linter.feedback.store import DAY_MS, now_ms
from linter.team import team_config_from_mapping

ROOT = Path(__file__).resolve().parent.parent
NO_REPLY = "You will not receive a reply."
POLICY = "Per our policy we cannot change a booking once confirmed."
OPTED_IN = team_config_from_mapping({"name": "acme", "feedback": {"store_text": True}})
OPTED_OUT = team_config_from_mapping({"name": "globex"})


def _record(
    team: str = "acme", verdict: str = "dismissed", rule_id: str = "closes_the_door.no_reply", **kwargs
) -> FeedbackRecord:
    label = kwargs.pop("label", rule_id.split(".")[0])
    sentence = kwargs.pop("sentence", NO_REPLY)
    return FeedbackRecord(team, verdict, rule_id, label, sentence_hash(sentence), **kwargs)


@pytest.fixture
def store(feedback_database: str):
    with FeedbackStore(feedback_database) as opened:
        yield opened


def test_feedback_store_round_trip_and_stats(store: FeedbackStore) -> None:
    for verdict in ["dismissed"] * 3 + ["accepted"]:
        store.record(_record(verdict=verdict, model_score=0.91))
    store.record(_record(verdict="rewritten", rule_id="process_over_customer.per_policy_cannot", sentence=POLICY))
    stats = store.stats("acme", dismissal_threshold=0.7, min_verdicts=4)
    assert stats.records == 5 and stats.records_with_text == 0
    by_rule = {rule_id: counts for rule_id, _, counts in stats.rules}
    assert by_rule["closes_the_door.no_reply"].dismissed == 3 and by_rule["closes_the_door.no_reply"].accepted == 1
    assert by_rule["closes_the_door.no_reply"].dismissal_rate == 0.75
    assert by_rule["process_over_customer.per_policy_cannot"].rewritten == 1
    assert stats.rules_over_threshold == ("closes_the_door.no_reply",)
    # Under the minimum number of verdicts, a rule is not reported whatever its rate.
    assert store.stats("acme", dismissal_threshold=0.7, min_verdicts=5).rules_over_threshold == ()
    body = stats.to_dict()
    assert body["rules"][0]["rule_id"] == "closes_the_door.no_reply" and body["rules"][0]["over_threshold"] is True
    assert {item["label"]: item["total"] for item in body["labels"]} == {"closes_the_door": 4, "process_over_customer": 1}


def test_feedback_store_retry_with_the_same_event_id_is_stored_once(store: FeedbackStore) -> None:
    first = store.record(_record(event_id="evt-1"))
    again = store.record(_record(event_id="evt-1", verdict="accepted"))
    other_team = store.record(_record(team="globex", event_id="evt-1"))
    assert not first.duplicate and again.duplicate and again.event_id == first.event_id == "evt-1"
    assert not other_team.duplicate  # event ids are per team
    assert store.count("acme") == 1 and store.count("globex") == 1
    # Records without an event id get one each; retries within one group commit are caught too.
    assert len({store.record(_record(team="initech")).event_id for _ in range(3)}) == 3
    futures = [store.submit(_record(team="umbrella", event_id="same")) for _ in range(5)]
    assert sorted(f.result().duplicate for f in futures) == [False, True, True, True, True]
    assert store.count("umbrella") == 1


def test_feedback_store_text_only_when_the_team_opted_in(store: FeedbackStore) -> None:
    kept = FeedbackRecord.from_verdict(
        OPTED_IN, verdict="dismissed", rule_id="closes_the_door.no_reply", label="closes_the_door", sentence=NO_REPLY
    )
    hashed = FeedbackRecord.from_verdict(
        OPTED_OUT, verdict="dismissed", rule_id="closes_the_door.no_reply", label="closes_the_door", sentence=NO_REPLY
    )
    assert kept.sentence == NO_REPLY and hashed.sentence is None and kept.sentence_hash == hashed.sentence_hash
    store.record(kept)
    store.record(hashed)
    rows = store._read("SELECT team, sentence, sentence_hash FROM feedback ORDER BY team")
    assert rows == [("acme", NO_REPLY, sentence_hash(NO_REPLY)), ("globex", None, sentence_hash(NO_REPLY))]
    assert store.stats("acme").records_with_text == 1 and store.stats("globex").records_with_text == 0


def test_feedback_store_rejects_bad_records(store: FeedbackStore) -> None:
    for bad in (
        _record(verdict="ignored"),
        _record(label="rude"),
        _record(rule_id="no dots here"),
        _record(model_score=1.5),
        _record(event_id="has spaces"),
        FeedbackRecord("acme", "dismissed", "closes_the_door.no_reply", "closes_the_door", "abc"),
    ):
        with pytest.raises(ReplylintError) as caught:
            store.record(bad)
        assert caught.value.code == "E523"
    with pytest.raises(ReplylintError, match="sentence_hash"):
        FeedbackRecord.from_verdict(
            OPTED_IN, verdict="dismissed", rule_id="a.b", label="closes_the_door", sentence="x", sentence_hash="0" * 64
        )
    assert store.count("acme") == 0


def test_feedback_store_teams_are_isolated(store: FeedbackStore) -> None:
    store.record(_record(team="acme"))
    store.record(_record(team="acme", verdict="accepted"))
    store.record(_record(team="globex", rule_id="condescending.as_i_said"))
    acme, globex = store.stats("acme"), store.stats("globex")
    assert acme.records == 2 and [r for r, _, _ in acme.rules] == ["closes_the_door.no_reply"]
    assert globex.records == 1 and [r for r, _, _ in globex.rules] == ["condescending.as_i_said"]
    assert store.stats("initech").records == 0


def test_feedback_store_retention_deletes_only_old_records_of_the_team(store: FeedbackStore) -> None:
    now = now_ms()
    store.record(_record(created_ms=now - 40 * DAY_MS, event_id="old"))
    store.record(_record(created_ms=now - 10 * DAY_MS, event_id="recent"))
    store.record(_record(team="globex", created_ms=now - 40 * DAY_MS))
    assert store.purge("acme", older_than_days=30, now=now) == 1
    assert store._read("SELECT event_id FROM feedback WHERE team = ?", ("acme",)) == [("recent",)]
    assert store.count("globex") == 1
    # Every team's own retention, with a default for teams without one.
    assert store.purge_all({"acme": 5}, default_days=90) == 1
    assert store.count("acme") == 0 and store.count("globex") == 1


def test_feedback_store_training_export(store: FeedbackStore) -> None:
    def opted(verdict: str, rule_id: str, sentence: str) -> None:
        store.record(
            FeedbackRecord.from_verdict(
                OPTED_IN, verdict=verdict, rule_id=rule_id, label=rule_id.split(".")[0], sentence=sentence
            )
        )

    opted("dismissed", "closes_the_door.no_reply", "Replies here reach our billing team, who answer within a day.")
    opted("accepted", "closes_the_door.no_reply", NO_REPLY)
    opted("rewritten", "closes_the_door.no_reply", NO_REPLY)
    opted("dismissed", "process_over_customer.per_policy_cannot", POLICY)
    opted("accepted", "process_over_customer.per_policy_cannot", POLICY)  # a tie: left out
    store.record(_record(team="acme", sentence="hashed only, never exported"))
    examples = sorted(training_examples(store, "acme", weight=2.0), key=lambda e: e["sentence"])
    assert [(e["sentence"], e["labels"], e["weight"]) for e in examples] == [
        ("Replies here reach our billing team, who answer within a day.", [], 2.0),
        (NO_REPLY, ["closes_the_door"], 2.0),
    ]
    assert all(e["context"] == "" and e["draft_id"].startswith("feedback-acme-") for e in examples)
    assert list(training_examples(store, "globex")) == []


def test_feedback_store_50_concurrent_writers_lose_nothing(store: FeedbackStore) -> None:
    writers, each = 50, 20
    results: dict[str, bool] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(writer: int) -> None:
        try:
            for index in range(each):
                event = f"w{writer}-{index}"
                stored = store.record(_record(event_id=event, sentence=f"sentence {writer} {index}"))
                with lock:
                    results[event] = stored.duplicate
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == writers * each and not any(results.values())
    rows = store._read("SELECT event_id FROM feedback WHERE team = ?", ("acme",))
    assert sorted(row[0] for row in rows) == sorted(results)


WRITER_SCRIPT = """
import sys, threading
from linter.feedback import FeedbackRecord, FeedbackStore, sentence_hash
store = FeedbackStore(sys.argv[1])
name, threads, each = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lock = threading.Lock()
def write(t):
    for i in range(each):
        event = f"{name}-{t}-{i}"
        store.record(FeedbackRecord("acme", "dismissed", "closes_the_door.no_reply", "closes_the_door", sentence_hash(event), event_id=event))
        with lock:
            print(event, flush=True)  # printed only once the record is committed
workers = [threading.Thread(target=write, args=(t,)) for t in range(threads)]
[w.start() for w in workers]
[w.join() for w in workers]
if len(sys.argv) > 5:
    import os, signal
    os.kill(os.getpid(), signal.SIGKILL)  # no close, no clean shutdown: a crash
store.close()
"""


def _writer(database: str, name: str, threads: int, each: int, *, crash: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", WRITER_SCRIPT, database, name, str(threads), str(each)] + (["crash"] if crash else [])
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def test_feedback_store_writers_in_several_processes_lose_nothing(feedback_database: str) -> None:
    FeedbackStore(feedback_database).close()  # migrated once; the writers find it ready
    processes = [_writer(feedback_database, f"p{n}", 25, 8) for n in range(2)]
    acknowledged = set()
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        acknowledged |= set(out.split())
    assert len(acknowledged) == 2 * 25 * 8
    with FeedbackStore(feedback_database) as store:
        assert {row[0] for row in store._read("SELECT event_id FROM feedback")} == acknowledged


def test_feedback_store_acknowledged_records_survive_a_crash(feedback_database: str) -> None:
    process = _writer(feedback_database, "crash", 10, 10, crash=True)
    out, err = process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL, err
    acknowledged = set(out.split())
    assert len(acknowledged) == 100
    with FeedbackStore(feedback_database) as store:
        assert acknowledged <= {row[0] for row in store._read("SELECT event_id FROM feedback")}


def test_feedback_store_migrations_run_once_and_refuse_a_newer_schema(feedback_database: str) -> None:
    with FeedbackStore(feedback_database) as store:
        store.record(_record())
    with FeedbackStore(feedback_database) as store:  # reopened: nothing re-applied, nothing lost
        assert store._read(f"SELECT version FROM {SCHEMA_TABLE}") == [(LATEST,)]
        assert store.count("acme") == 1
        store._change(f"INSERT INTO {SCHEMA_TABLE} (version, name, applied_ms) VALUES (?, ?, ?)", (LATEST + 1, "future", 0))
    with pytest.raises(ReplylintError) as caught:
        FeedbackStore(feedback_database)
    assert caught.value.code == "E521" and f"version {LATEST + 1}" in caught.value.message


def test_feedback_store_sqlite_is_durable_and_private(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "feedback.sqlite3"
    with FeedbackStore(path) as store:
        assert store._read("PRAGMA journal_mode") == [("wal",)]
        assert store._read("PRAGMA synchronous") == [(2,)]  # FULL
    assert path.stat().st_mode & 0o777 == 0o600


def test_feedback_store_unreachable_postgres_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(ReplylintError) as caught:
        FeedbackStore("postgresql://replylint:secret@127.0.0.1:9/feedback")
    assert caught.value.code == "E520" and "secret" not in caught.value.message and "***" in caught.value.message


def test_feedback_cli_stats_export_and_purge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from linter.cli import main

    database = str(tmp_path / "feedback.sqlite3")
    config = ROOT / "tests" / "data" / "teams" / "acme.yaml"  # store_text on, threshold 0.4 of at least 5
    with FeedbackStore(database) as store:
        for verdict in ["dismissed"] * 4 + ["accepted"]:
            store.record(
                FeedbackRecord.from_verdict(
                    OPTED_IN, verdict=verdict, rule_id="closes_the_door.no_reply", label="closes_the_door", sentence=NO_REPLY
                )
            )
        store.record(_record(created_ms=now_ms() - 60 * DAY_MS))
    assert main(["feedback", "stats", "--database", database, "--config", str(config)]) == 1  # a rule over the threshold
    out = capsys.readouterr().out
    assert "closes_the_door.no_reply" in out and "over threshold" in out and "store_text on" in out
    assert main(["feedback", "stats", "--database", database, "--config", str(config), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["rules_over_threshold"] == ["closes_the_door.no_reply"]
    exported = tmp_path / "feedback.jsonl"
    assert (
        main(["feedback", "export", "--database", database, "--config", str(config), "--out", str(exported), "--weight", "3"])
        == 0
    )
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [(e["sentence"], e["labels"], e["weight"]) for e in lines] == [(NO_REPLY, [], 3.0)]
    assert main(["feedback", "purge", "--database", database, "--config", str(config)]) == 0  # retention 30 days
    assert "deleted 1 record" in capsys.readouterr().err


def test_feedback_export_feeds_training_with_its_weight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from linter.cli import main
    from training.config import RunConfig
    from training.corpus import load_feedback_examples

    database = str(tmp_path / "feedback.sqlite3")
    with FeedbackStore(database) as store:
        for verdict, sentence in [("accepted", NO_REPLY), ("dismissed", "Replies here reach our billing team within a day.")]:
            store.record(
                FeedbackRecord.from_verdict(
                    OPTED_IN, verdict=verdict, rule_id="closes_the_door.no_reply", label="closes_the_door", sentence=sentence
                )
            )
    exported = tmp_path / "acme.jsonl"
    assert main(["feedback", "export", "--database", database, "--team", "acme", "--out", str(exported), "--weight", "2"]) == 0
    run = tmp_path / "run.yaml"
    run.write_text(f"name: with-feedback\nfeedback_data: [{exported}]\nfeedback_weight: 1.5\n", encoding="utf-8")
    config = RunConfig.load(run)
    examples = load_feedback_examples([Path(p) for p in config.feedback_data], config.feedback_weight)
    assert sorted((e["sentence"], e["labels"], e["weight"]) for e in examples) == [
        ("Replies here reach our billing team within a day.", [], 3.0),
        (NO_REPLY, ["closes_the_door"], 3.0),
    ]
    assert config.to_dict()["feedback_data"] == [str(exported)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentence": "x", "labels": ["rude"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        load_feedback_examples([bad])
