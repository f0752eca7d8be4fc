"""``replylint serve``: run the app under uvicorn, with one or several worker processes.

Workers are separate processes, each with its own linter; they read their settings from the
environment, so the resolved settings are handed down as ``REPLYLINT_*`` variables. With more than
one worker, Prometheus metrics are shared through a temporary ``PROMETHEUS_MULTIPROC_DIR``.
"""

from __future__ import annotations

import logging.config
import os
import shutil
import tempfile

from .logs import log_config
from .metrics import multiprocess_dir
from .settings import CONFIG_ENV, ENV_PREFIX, Settings


def settings_env(settings: Settings) -> dict[str, str]:
    """``settings`` as the ``REPLYLINT_*`` variables a worker process reads back."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if isinstance(value, tuple | list):
            text = ",".join(value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        env[ENV_PREFIX + name.upper()] = text
    return env


def run(settings: Settings) -> None:
    """Serve until interrupted (SIGINT/SIGTERM stop it gracefully)."""
    import uvicorn

    os.environ.update(settings_env(settings))
    os.environ.pop(CONFIG_ENV, None)  # already applied: the variables above carry every value
    config = log_config(settings.log_level)
    logging.config.dictConfig(config)
    own_metrics_dir = None
    if settings.workers > 1 and not multiprocess_dir():
        own_metrics_dir = tempfile.mkdtemp(prefix="replylint-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = own_metrics_dir
    try:
        uvicorn.run(
            "api.app:create_app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=config,
            log_level=settings.log_level,
            access_log=False,  # ours leaves out query strings; see api.middleware
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=10,
        )
    finally:
        if own_metrics_dir:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)
