"""``POST /v1/feedback`` and ``GET /v1/stats``: agents' verdicts on findings, per team.

The team is always the request's (from its API key): there is no team parameter, so one team's
key can neither write into nor read another team's feedback. The sentence's text is stored only
when the team's config opts in (``feedback.store_text``); otherwise only its SHA-256 is kept.
A 2xx is sent only after the record is committed (``linter.feedback.store``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from linter.errors import ReplylintError
from linter.feedback import VERDICTS, FeedbackRecord, FeedbackStore, redacted
from linter.team import TeamConfig

from .errors import ApiError
from .middleware import KEY_SCOPE_KEY
from .routes import ERRORS
from .teams import TeamRegistry, request_team

log = logging.getLogger("replylint.api")


class FeedbackIn(BaseModel):
    """An agent's verdict on one finding of a lint report."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "verdict": "dismissed",
                    "rule_id": "deflects_ownership.independent_third_party",
                    "label": "deflects_ownership",
                    "model_score": 0.82,
                    "sentence": "Acme Rentals is not affiliated with resellers.",
                    "event_id": "3f1c2a9e-5b7d-4c61-9a0e-8f2d6b1c7e44",
                }
            ]
        },
    )

    verdict: Literal["dismissed", "accepted", "rewritten"] = Field(
        description="dismissed: the finding was wrong; accepted: a suggestion was applied; rewritten: the agent rewrote the sentence."
    )
    rule_id: str = Field(max_length=128, description="The finding's rule_id (model findings: model.<label>).")
    label: str = Field(max_length=64, description="The finding's taxonomy label.")
    model_score: float | None = Field(None, ge=0, le=1, description="The finding's model_probability, if any.")
    sentence: str | None = Field(
        None, max_length=2000, description="The finding's sentence text: hashed, and stored only if the team opted in."
    )
    sentence_hash: str | None = Field(
        None,
        description="Instead of 'sentence': SHA-256 (hex) of the sentence with whitespace runs collapsed to one space and trimmed.",
    )
    event_id: str | None = Field(
        None, description="Your id for this verdict (e.g. a UUID): a retry with the same id is stored once."
    )


class FeedbackOut(BaseModel):
    event_id: str = Field(description="The record's id: yours if you sent one, else one the server made.")
    team: str
    duplicate: bool = Field(description="true: this event_id was recorded before; the first record stands.")
    sentence_hash: str
    stored_text: bool = Field(description="Whether the sentence's text was stored (the team's store_text opt-in).")


class CountsOut(BaseModel):
    dismissed: int
    accepted: int
    rewritten: int
    total: int
    dismissal_rate: float


class RuleStatsOut(CountsOut):
    rule_id: str
    label: str
    over_threshold: bool


class LabelStatsOut(CountsOut):
    label: str


class StatsOut(BaseModel):
    team: str
    store_text: bool = Field(description="The team's opt-in: sentence text is stored with feedback.")
    retention_days: int
    records: int
    records_with_text: int
    oldest: str | None
    dismissal_threshold: float
    min_verdicts: int
    rules_over_threshold: list[str] = Field(
        description="Rules dismissed at the threshold rate or more, with at least min_verdicts verdicts."
    )
    rules: list[RuleStatsOut]
    labels: list[LabelStatsOut]
    config: dict[str, Any] = Field(
        description="The team's config in force: source file, rule packs, rules and labels off, allowlist sizes."
    )


class FeedbackService:
    """The worker's feedback store, the team registry it answers for, and the retention loop."""

    def __init__(self, store: FeedbackStore, teams: TeamRegistry, purge_interval: float) -> None:
        self.store = store
        self.teams = teams
        self.purge_interval = purge_interval
        self._task: asyncio.Task[None] | None = None

    async def record(self, record: FeedbackRecord) -> Any:
        try:
            record.check()
            return await asyncio.wrap_future(self.store.submit(record))
        except ReplylintError as err:
            raise ApiError.from_core(err) from None

    def purge(self) -> int:
        """Every stored team's retention, from its config (teams without one keep the default, 90 days)."""
        retention = {name: self.teams.get(name).config.feedback.retention_days for name in self.store.teams()}
        return self.store.purge_all(retention, TeamConfig().feedback.retention_days)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._purge_loop())

    async def _purge_loop(self) -> None:
        while True:
            try:
                deleted = await asyncio.to_thread(self.purge)
                if deleted:
                    log.info("feedback retention: deleted %d record(s)", deleted)
            except Exception:  # a failed purge is retried at the next interval
                log.exception("feedback retention purge failed on %s", redacted(self.store.target))
            await asyncio.sleep(self.purge_interval)

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
        await asyncio.to_thread(self.store.close)


feedback_router = APIRouter(prefix="/v1", tags=["feedback"], responses=ERRORS)


def _feedback(request: Request) -> FeedbackService:
    return request.app.state.feedback


@feedback_router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackOut,
    responses={200: {"model": FeedbackOut, "description": "A retry of an event_id already recorded."}},
)
async def post_feedback(body: FeedbackIn, request: Request) -> JSONResponse:
    """Record an agent's verdict on a finding, for the request's team. 201 once it is durably stored."""
    team = await request_team(request)
    try:
        record = FeedbackRecord.from_verdict(
            team.config,
            verdict=body.verdict,
            rule_id=body.rule_id,
            label=body.label,
            sentence=body.sentence,
            sentence_hash=body.sentence_hash,
            model_score=body.model_score,
            event_id=body.event_id,
            key_name=request.scope.get(KEY_SCOPE_KEY),
        )
    except ReplylintError as err:
        raise ApiError.from_core(err) from None
    stored = await _feedback(request).record(record)
    out = FeedbackOut(
        event_id=stored.event_id,
        team=record.team,
        duplicate=stored.duplicate,
        sentence_hash=record.sentence_hash,
        stored_text=record.sentence is not None,
    )
    return JSONResponse(out.model_dump(), status_code=200 if stored.duplicate else 201)


@feedback_router.get("/stats", response_model=StatsOut)
async def stats(request: Request) -> dict[str, Any]:
    """Per-rule and per-label verdict counts and dismissal rates for the request's team, and the rules over its threshold."""
    team = await request_team(request)
    policy = team.config.feedback
    result = await asyncio.to_thread(
        _feedback(request).store.stats,
        team.config.name,
        dismissal_threshold=policy.dismissal_threshold,
        min_verdicts=policy.min_verdicts,
    )
    return {
        **result.to_dict(),
        "store_text": policy.store_text,
        "retention_days": policy.retention_days,
        "config": team.config.to_summary(),
    }


__all__ = ["VERDICTS", "FeedbackService", "feedback_router"]
