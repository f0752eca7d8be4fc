"""Server settings: defaults < config file (YAML or TOML) < ``REPLYLINT_*`` variables < command-line flags.

Every field can be set in the config file under its own name, or as ``REPLYLINT_<NAME>`` in the
environment (lists comma-separated, booleans ``true``/``false``). ``REPLYLINT_CONFIG`` names the
config file when ``--config`` is not given. Values are validated at load, with the setting's
name and where it came from in the message.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from linter.core import MAX_CHARS
from linter.errors import Errors, ReplylintError

ENV_PREFIX = "REPLYLINT_"
CONFIG_ENV = "REPLYLINT_CONFIG"
EXTENSION_ID = re.compile(r"^[a-p]{32}$")
ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s?#*]+$")
ANY_EXTENSION_ORIGIN = r"chrome-extension://[a-p]{32}"


class Settings(BaseModel):
    """Everything the server reads at start; immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(
        "127.0.0.1", description="Address to bind. Keep 127.0.0.1 unless a proxy or load balancer fronts the server."
    )
    port: int = Field(8000, ge=0, le=65535, description="TCP port.")
    workers: int = Field(1, ge=1, le=64, description="Worker processes; each loads its own linter. Use one per core.")
    model_dir: Path | None = Field(
        None, description="Classifier folder. Unset: $REPLYLINT_MODEL_DIR, else models/replylint-minilm-l1."
    )
    require_model: bool = Field(
        True, description="/readyz answers 503 until the classifier is loaded. False: rules alone count as ready."
    )
    extension_ids: tuple[str, ...] = Field(
        (), description="Chrome extension ids allowed by CORS (origin chrome-extension://<id>)."
    )
    allow_any_extension: bool = Field(False, description="Development only: CORS admits every chrome-extension:// origin.")
    allowed_origins: tuple[str, ...] = Field(
        (), description="Exact helpdesk origins allowed by CORS, e.g. https://acme.zendesk.com."
    )
    api_keys_file: Path | None = Field(
        None, description="Hashed API keys, one 'NAME sha256:HEX' a line. Set: every /v1 and /v2 request needs a key."
    )
    max_chars: int = Field(MAX_CHARS, ge=1, description="Longest draft, in characters; longer -> 413 (E001).")
    max_body_bytes: int = Field(2_000_000, ge=1024, description="Largest request body; larger -> 413 (E413).")
    max_batch_items: int = Field(1000, ge=1, description="Most items in one /v1/lint/batch request; more -> 413 (E414).")
    inference_threads: int = Field(2, ge=1, le=64, description="Threads that run the linter, off the event loop (per worker).")
    max_in_flight: int = Field(
        256,
        ge=1,
        description="Requests admitted at once per worker, running or waiting (a batch counts once); past it -> 503 (E453).",
    )
    retry_after_seconds: int = Field(1, ge=1, description="Retry-After sent with 503.")
    rate_limit_per_minute: int = Field(
        0, ge=0, description="Requests per minute per API key (per client address without keys); 0 = off."
    )
    rate_limit_burst: int | None = Field(
        None, ge=1, description="Requests a key may send at once before the rate applies; default: one minute's worth."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Log level.")
    log_text: bool = Field(
        False, description="Log each draft's text. Off (default): logs carry only lengths, counts and request ids."
    )
    access_log: bool = Field(True, description="One log line per request: method, route, status, duration, body size.")
    # Teams and feedback (issue 9)
    teams_dir: Path | None = Field(
        None,
        description="Folder of team configs, one '<team>.yaml' per team (a key's team= picks it); re-read within 2 s of a change.",
    )
    feedback_database: str | None = Field(
        None,
        description="Feedback store: a SQLite file or a postgresql:// URL. Unset: ~/.local/share/replylint/feedback.sqlite3.",
    )
    feedback_purge_interval_seconds: int = Field(
        3600, ge=10, description="How often each worker deletes feedback older than its team's retention."
    )

    @field_validator("extension_ids")
    @classmethod
    def _check_extension_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not EXTENSION_ID.match(item):
                raise ValueError(f"'{item}' is not a Chrome extension id (32 letters a-p, as shown on chrome://extensions)")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _check_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not ORIGIN.match(item):
                raise ValueError(
                    f"'{item}' is not an origin; write scheme://host[:port] with no path and no wildcard, e.g. https://acme.zendesk.com"
                )
        return value

    @property
    def cors_origins(self) -> list[str]:
        """Exact origins CORS admits: the configured extensions, then the helpdesks."""
        return [f"chrome-extension://{item}" for item in self.extension_ids] + list(self.allowed_origins)

    @property
    def cors_origin_regex(self) -> str | None:
        return ANY_EXTENSION_ORIGIN if self.allow_any_extension else None

    @property
    def burst(self) -> int:
        return self.rate_limit_burst or max(1, self.rate_limit_per_minute)

    @classmethod
    def load(cls, config_file: Path | str | None = None, *, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from the config file, the environment and ``overrides`` (later wins)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        path = config_file or env.get(CONFIG_ENV)
        if path:
            for name, value in read_config_file(Path(path)).items():
                values[name] = value
                sources[name] = f"config file {path}"
        for name, field in cls.model_fields.items():
            variable = ENV_PREFIX + name.upper()
            if variable in env:
                values[name] = _from_env(env[variable], field.annotation)
                sources[name] = f"${variable}"
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
                sources[name] = "the command line"
        try:
            return cls(**values)
        except ValidationError as err:
            first = err.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "?"
            reason = first["msg"].removeprefix("Value error, ")
            if first["type"] == "extra_forbidden":
                reason = f"unknown setting; known settings: {', '.join(cls.model_fields)}"
            raise ReplylintError(Errors.E471, name=name, source=sources.get(name, "defaults"), reason=reason) from err


def read_config_file(path: Path) -> dict[str, Any]:
    """A flat mapping of setting names to values, from ``.yaml``/``.yml`` or ``.toml``."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ReplylintError(Errors.E470, path=path, reason=err.strerror or str(err)) from err
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(raw)
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(raw) or {}
        else:
            raise ReplylintError(Errors.E470, path=path, reason="the name must end in .yaml, .yml or .toml")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as err:
        raise ReplylintError(Errors.E470, path=path, reason=str(err).replace("\n", " ")) from err
    if not isinstance(data, dict):
        raise ReplylintError(Errors.E470, path=path, reason="expected a mapping of setting names to values")
    return data


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _from_env(value: str, annotation: Any) -> Any:
    """Environment strings to the field's type: comma lists for tuples, words for booleans."""
    text = str(annotation)
    if "tuple" in text:
        return tuple(item.strip() for item in value.split(",") if item.strip())
    if annotation is bool:
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    if value == "" and "None" in text:
        return None
    return value
