"""200 concurrent requests to a live server: no errors, and every answer belongs to its own request."""

from __future__ import annotations

import asyncio

import httpx
from api_conftest import LiveServer

OPENINGS = ("Thanks for writing in.", "Sorry for the trouble 🙏.", "I understand this is frustrating.", "Hi there,")
PROBLEMS = (
    ("You will not receive a reply.", "closes_the_door"),
    ("Please contact Expedia for further investigation.", "deflects_ownership"),
    ("I've refunded the order and it reaches your card by Friday.", None),
    ("This mailbox is not monitored.", "closes_the_door"),
)


def _draft(index: int) -> tuple[str, str | None]:
    problem, label = PROBLEMS[index % len(PROBLEMS)]
    return f"{OPENINGS[index % len(OPENINGS)]} Order #{index:05d} is on my desk. {problem}", label


def test_api_200_concurrent_requests_all_answered(api_server: LiveServer) -> None:
    async def run() -> list[tuple[int, httpx.Response]]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=api_server.url, timeout=120, limits=limits) as client:

            async def one(index: int) -> tuple[int, httpx.Response]:
                text, _ = _draft(index)
                if index % 10 == 9:  # some batches in the mix
                    return index, await client.post("/v1/lint/batch", json={"items": [{"id": index, "text": text}] * 5})
                return index, await client.post("/v1/lint", json={"text": text}, headers={"X-Request-ID": f"load-{index}"})

            return await asyncio.gather(*(one(index) for index in range(200)))

    results = asyncio.run(run())
    assert len(results) == 200
    for index, response in results:
        assert response.status_code == 200, (index, response.status_code, response.text[:200])
        text, label = _draft(index)
        if index % 10 == 9:
            body = response.json()
            assert body["count"] == 5 and body["errors"] == 0
            reports = [result["report"] for result in body["results"]]
            assert all(result["id"] == index for result in body["results"])
        else:
            assert response.headers["x-request-id"] == f"load-{index}"
            reports = [response.json()]
        for report in reports:
            assert report["text_length"] == len(text)
            assert (label in report["labels"]) if label else "closes_the_door" not in report["labels"]
            for finding in report["findings"]:
                assert text[finding["start"] : finding["end"]] == finding["text"], "the report is for this request's text"
