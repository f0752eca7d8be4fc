"""The app factory and its lifespan: one linter per process, built before the first request."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from linter import __version__
from linter.core import freeze_long_lived_objects
from linter.errors import Errors
from linter.feedback import FeedbackStore, redacted

from .errors import ApiError, validation_error
from .feedback import FeedbackService, feedback_router
from .keys import KeyStore
from .metrics import Metrics
from .middleware import Guard, RequestContext
from .routes import lt, ops, v1
from .service import LintService, build_linter
from .settings import Settings
from .teams import TeamRegistry

log = logging.getLogger("replylint.api")

DESCRIPTION = """\
Lints customer-support reply drafts for replies that are polite on the surface and still fail the customer.

* `/v1/lint` and `/v1/lint/batch`: replylint's own report (offsets in code points and UTF-16 units).
* `/v2/check` and `/v2/languages`: LanguageTool's API, so LanguageTool clients and editor plugins can use this server.
* Errors: `{"error": {"code", "message"}, "request_id"}`; every response carries `X-Request-ID`.
* Keys (when the server has a keys file): `Authorization: Bearer <key>` or `X-API-Key: <key>`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the linter itself is built by the lifespan, once, before serving."""
    settings = settings or Settings.load()
    metrics = Metrics()
    keys = KeyStore(settings.api_keys_file) if settings.api_keys_file else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        linter = build_linter(settings)
        service = LintService(linter, settings, metrics)
        readiness = service.self_test()
        app.state.service = service
        # Teams and feedback (issue 9): a config per key's team, one feedback store per worker.
        app.state.teams = teams = TeamRegistry(linter, settings.teams_dir)
        loaded = teams.preload()
        app.state.feedback = feedback = FeedbackService(
            FeedbackStore(settings.feedback_database), teams, settings.feedback_purge_interval_seconds
        )
        feedback.start()
        log.info("teams: %s; feedback store: %s", ", ".join(loaded) or "defaults only", redacted(feedback.store.target))
        log.info(
            "ready=%s model=%s rules=%d keys=%s self-test %s",
            readiness.ready,
            readiness.model or "none (rules alone)",
            readiness.rules,
            f"{len(keys)} from {settings.api_keys_file}" if keys else "off",
            readiness.self_test,
        )
        if readiness.reason:
            log.error("not ready: %s", readiness.reason)
        freeze_long_lived_objects()
        try:
            yield
        finally:
            await feedback.close()
            service.close()

    app = FastAPI(
        title="replylint",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "lint", "description": "replylint's own API."},
            {"name": "LanguageTool-compatible", "description": "LanguageTool's /v2 API for existing clients."},
            {"name": "feedback", "description": "Agents' verdicts on findings and each team's dismissal rates."},
            {"name": "operations", "description": "Probes and metrics (no key needed)."},
        ],
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.include_router(v1)
    app.include_router(feedback_router)
    app.include_router(lt)
    app.include_router(ops)
    _add_error_handlers(app)

    # Added innermost first: RequestContext(CORS(Guard(routes))).
    app.add_middleware(Guard, settings=settings, metrics=metrics, keys=keys)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_origin_regex=settings.cors_origin_regex,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
    paths = frozenset(route.path for route in app.routes if hasattr(route, "path"))
    app.add_middleware(RequestContext, metrics=metrics, settings=settings, paths=paths)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn workers: settings from ``REPLYLINT_*`` and ``REPLYLINT_CONFIG``."""
    return create_app(Settings.load())


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return validation_error(request.url.path, exc.errors()).response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        method, path = request.method, request.url.path[:200]
        if exc.status_code == 404:
            error = ApiError(404, Errors.E404, method=method, path=path)
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "another method")
            error = ApiError(405, Errors.E405, headers=exc.headers, method=method, path=path, allowed=allowed)
        elif exc.status_code == 400:  # the body could not be read or decoded
            error = ApiError(422, Errors.E420, reason="it could not be read as UTF-8 text", example='{"text": "..."}')
        else:
            error = ApiError(exc.status_code, Errors.E422, where="request", reason=str(exc.detail), hint="")
        return error.response()
