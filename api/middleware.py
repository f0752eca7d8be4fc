"""Two plain ASGI middlewares around the routes (BaseHTTPMiddleware costs too much per request).

``RequestContext`` (outermost, outside CORS): gives every request an id (``X-Request-ID`` in, out
and on every log line), times it, counts it in the metrics by route template and status, writes
one access-log line without the URL's query or any text, and turns an unexpected exception into
a 500 in the catalogue's shape.

``Guard`` (inside CORS, so refusals still carry CORS headers): API key (401/403), per-key rate
limit (429), body size (413) and media type (415), before a byte of the body is parsed.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from linter.errors import Errors

from .errors import ApiError
from .keys import KeyStore
from .logs import REQUEST_ID_HEADER, new_request_id, request_id_var
from .metrics import Metrics
from .settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("replylint.api")
access = logging.getLogger("replylint.access")

PROTECTED_PREFIXES = ("/v1/", "/v2/")
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# POST routes and the media types their bodies may have.
BODY_TYPES = {"/v1/lint": JSON_TYPES, "/v1/lint/batch": JSON_TYPES, "/v1/feedback": JSON_TYPES, "/v2/check": FORM_TYPES}
# The scope key that carries the request's team (from its API key) to the routes; see api/teams.py.
TEAM_SCOPE_KEY = "replylint.team"
KEY_SCOPE_KEY = "replylint.key"  # the API key's name (never the key), recorded with feedback
DEFAULT_TEAM = "default"  # the team of every request when the server has no keys


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: Metrics, settings: Settings, paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = settings.access_log
        self.paths = paths  # the app's (static) route paths, to name requests refused before routing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        offered = _header(scope, b"x-request-id")
        request_id = new_request_id(offered)
        token = request_id_var.set(request_id)
        id_header = (REQUEST_ID_HEADER.encode(), request_id.encode())
        state = {"status": 500, "started": False, "bytes_in": 0}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["bytes_in"] += len(message.get("body", b""))
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                message["headers"] = [*message.get("headers", []), id_header]
            await send(message)

        try:
            await self.app(scope, counting_receive, send_with_id)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], _route(scope, self.paths))
            if not state["started"]:
                error = ApiError(500, Errors.E450, method=scope["method"], path=_route(scope, self.paths), request_id=request_id)
                await error.response()(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route, method, status = _route(scope, self.paths), scope["method"], str(state["status"])
            self.metrics.requests.labels(route, method, status).inc()
            self.metrics.latency.labels(route, method, status).observe(elapsed)
            if self.access_log:
                access.info("%s %s %s %.1fms in=%dB", method, route, status, elapsed * 1000, state["bytes_in"])
            request_id_var.reset(token)


class Guard:
    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics, keys: KeyStore | None) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.keys = keys
        per_minute = settings.rate_limit_per_minute
        self.limiter = RateLimiter(per_minute, settings.burst) if per_minute else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self._check(scope)
        except ApiError as error:
            await error.response()(scope, receive, send)
            return
        limit = self.settings.max_body_bytes
        received = 0
        answered = False  # True once a response started: ours (413) or the app's

        async def limited_receive() -> Message:
            nonlocal received, answered
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Chunked bodies carry no Content-Length: refuse as soon as the limit is passed
                    # and tell the app the client has gone, so it stops reading.
                    if not answered:
                        answered = True
                        await ApiError(413, Errors.E413, size=received, limit=limit).response()(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                if answered:
                    return
                answered = True
                await send(message)
            elif answered and not received > limit:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    def _check(self, scope: Scope) -> None:
        path = scope["path"]
        if path.startswith(PROTECTED_PREFIXES):
            client = self._authenticate(scope)
            if self.limiter:
                retry_after = self.limiter.take(client)
                if retry_after:
                    self.metrics.rejected.labels("rate_limited").inc()
                    seconds = max(1, math.ceil(retry_after))
                    raise ApiError(
                        429,
                        Errors.E429,
                        headers={"Retry-After": str(seconds)},
                        limit=self.settings.rate_limit_per_minute,
                        retry_after=seconds,
                    )
        if scope["method"] == "POST" and path in BODY_TYPES:
            length = _header(scope, b"content-length")
            if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
                raise ApiError(413, Errors.E413, size=int(length), limit=self.settings.max_body_bytes)
            content_type = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
            expected = BODY_TYPES[path]
            if content_type not in expected:
                raise ApiError(
                    415,
                    Errors.E415,
                    content_type=content_type[:60] or "(none)",
                    path=path,
                    expected=" or ".join(f"Content-Type: {item}" for item in expected),
                )

    def _authenticate(self, scope: Scope) -> str:
        """The key's name (or the client address when keys are off), for the rate limit."""
        if self.keys is None:
            scope[TEAM_SCOPE_KEY] = DEFAULT_TEAM
            client = scope.get("client")
            return client[0] if client else "-"
        key = _header(scope, b"x-api-key")
        authorization = _header(scope, b"authorization")
        if not key and authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() == "bearer":
                key = value.strip()
        if not key:
            self.metrics.rejected.labels("unauthorized").inc()
            raise ApiError(401, Errors.E401, headers={"WWW-Authenticate": 'Bearer realm="replylint"'})
        owner = self.keys.owner_for(key)
        if owner is None:
            self.metrics.rejected.labels("forbidden").inc()
            raise ApiError(403, Errors.E403)
        scope[TEAM_SCOPE_KEY], scope[KEY_SCOPE_KEY] = owner.team, owner.name
        return "key:" + owner.name


class RateLimiter:
    """A token bucket per client: ``burst`` at once, then ``per_minute`` spread over the minute."""

    MAX_CLIENTS = 100_000

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else seconds until it could."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > self.MAX_CLIENTS:  # forget the fullest buckets first: they lose nothing
                self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.burst - 1}
        return wait


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _route(scope: Scope, paths: frozenset[str]) -> str:
    """The matched route's template, never the raw path (which may be anything a client sends)."""
    path = getattr(scope.get("route"), "path", None)
    if path:
        return path
    return scope["path"] if scope["path"] in paths else "unmatched"
