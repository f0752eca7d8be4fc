"""Prometheus metrics: requests and latency per route and status, findings per label, load.

Labels are route templates (``/v1/lint``), never raw paths, and nothing here ever sees draft
text. With several workers, set ``PROMETHEUS_MULTIPROC_DIR`` (``replylint serve --workers N``
does it for you) and every scrape reports the sum over the workers.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


class Metrics:
    """One set of metrics per app; in multiprocess mode the values live in files shared by the workers."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.multiprocess = multiprocess_dir() is not None
        # In multiprocess mode metrics are written to files and collected by MultiProcessCollector;
        # registering them as well would report each worker's values twice.
        registry = None if self.multiprocess else CollectorRegistry()
        self._registry = registry
        self.requests = Counter(
            "replylint_http_requests_total",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "replylint_http_request_duration_seconds",
            "Time from request to response, by route template, method and status.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.findings = Counter("replylint_findings_total", "Findings reported, by taxonomy label.", ["label"], registry=registry)
        self.drafts = Counter("replylint_drafts_linted_total", "Drafts linted, by endpoint.", ["endpoint"], registry=registry)
        self.draft_chars = Histogram(
            "replylint_draft_length_chars",
            "Length of linted drafts in characters (length only, never text).",
            buckets=(50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000),
            registry=registry,
        )
        self.rejected = Counter(
            "replylint_rejected_total",
            "Requests refused before linting, by reason (overloaded, rate_limited, unauthorized, forbidden).",
            ["reason"],
            registry=registry,
        )
        gauge_mode = {"multiprocess_mode": "livesum"} if self.multiprocess else {}
        self.in_flight = Gauge(
            "replylint_drafts_in_flight", "Drafts admitted and not yet finished.", registry=registry, **gauge_mode
        )
        self.model_loaded = Gauge(
            "replylint_model_loaded",
            "1 when the classifier is loaded, else 0.",
            registry=registry,
            **({"multiprocess_mode": "livemin"} if self.multiprocess else {}),
        )

    def render(self) -> bytes:
        if self.multiprocess:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self._registry)
