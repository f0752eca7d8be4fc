"""``replylint serve``: run the app under uvicorn, with one or several worker processes.

Workers are separate processes, each with its own linter; they read their settings from the
environment, so the resolved settings are handed down as ``REPLYLINT_*`` variables. With more than
one worker, Prometheus metrics are shared through a temporary ``PROMETHEUS_MULTIPROC_DIR``.

On Linux each worker listens on a socket of its own in one ``SO_REUSEPORT`` group, so the kernel
spreads new connections across the workers. With one shared socket, as uvicorn's own supervisor
has it, whichever worker wakes first accepts every connection waiting: eight keep-alive
connections from a helpdesk's pool mostly landed on one worker, and the other core idled.
"""

from __future__ import annotations

import logging
import logging.config
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading

from linter.errors import Errors, ReplylintError

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


APP = "api.app:create_app_from_env"
STARTUP_FAILURE = 3  # uvicorn's exit code for a worker that could not start: restarting would not help
logger = logging.getLogger("replylint.server")


def run(settings: Settings) -> None:
    """Serve until interrupted (SIGINT/SIGTERM stop it gracefully)."""
    import uvicorn

    os.environ.update(settings_env(settings))
    os.environ.pop(CONFIG_ENV, None)  # already applied: the variables above carry every value
    logging_config = log_config(settings.log_level)
    logging.config.dictConfig(logging_config)
    own_metrics_dir = None
    if settings.workers > 1 and not multiprocess_dir():
        own_metrics_dir = tempfile.mkdtemp(prefix="replylint-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = own_metrics_dir
    options = dict(
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=logging_config,
        log_level=settings.log_level,
        access_log=False,  # ours leaves out query strings; see api.middleware
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
    try:
        if settings.workers > 1 and sys.platform == "linux":
            code = _supervise_reuseport_workers(uvicorn.Config(APP, **options))
            if code:
                sys.exit(code)
        else:
            uvicorn.run(APP, **options)
    finally:
        if own_metrics_dir:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)


def _reuseport_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _serve_worker(config) -> None:  # noqa: ANN001  (a uvicorn.Config; runs in a spawned worker)
    import uvicorn

    sock = _reuseport_socket(config.host, config.port)
    config.configure_logging()
    uvicorn.Server(config).run(sockets=[sock])


def _supervise_reuseport_workers(config) -> int:  # noqa: ANN001
    """Run ``config.workers`` workers, restart any that dies, stop them all on SIGINT/SIGTERM.

    The parent binds the port first, in the same group but never listening (so it is never given a
    connection): a port in use fails here, once, and the workers can always bind after it.
    """
    try:
        guard = _reuseport_socket(config.host, config.port)
    except OSError as err:
        raise ReplylintError(Errors.E474, host=config.host, port=config.port, reason=err.strerror or err) from err
    config.port = guard.getsockname()[1]  # port 0: every worker joins the port the guard was given
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def start() -> multiprocessing.process.BaseProcess:
        worker = spawn.Process(target=_serve_worker, args=(config,), daemon=False)
        worker.start()
        return worker

    logger.info("Started parent process [%d] with %d workers on %s:%d", os.getpid(), config.workers, config.host, config.port)
    workers = [start() for _ in range(config.workers)]
    code = 0
    try:
        while not stop.wait(0.5):
            for index, worker in enumerate(workers):
                if worker.is_alive():
                    continue
                if worker.exitcode == STARTUP_FAILURE:
                    logger.error("Worker [%d] failed to start; stopping.", worker.pid)
                    code = STARTUP_FAILURE
                    stop.set()
                    break
                logger.info("Worker [%d] died (exit code %s); starting another.", worker.pid, worker.exitcode)
                workers[index] = start()
    finally:
        for worker in workers:
            if worker.is_alive():
                os.kill(worker.pid, signal.SIGTERM)  # uvicorn's graceful shutdown
        for worker in workers:
            worker.join(config.timeout_graceful_shutdown + 5)
            if worker.is_alive():
                worker.kill()
                worker.join()
        guard.close()
        logger.info("Stopped parent process [%d]", os.getpid())
    return code
