"""Live API servers for the API tests: real ``replylint serve`` processes on 127.0.0.1.

Each server runs on a free port, is waited for through /healthz and is stopped (SIGTERM, then
SIGKILL) when its fixture ends; its log goes to a file the tests can read. Servers run with
whatever model the repository ships (``require_model`` off), unless a test says otherwise.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop"
HELPDESK_ORIGIN = "https://acme.zendesk.com"
START_TIMEOUT = 90.0  # seconds: a slow CI machine loading spaCy and the model in every worker
SERVE = [sys.executable, "-c", "import sys; from linter.cli import main; sys.exit(main())", "serve"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """One ``replylint serve`` subprocess."""

    def __init__(self, log_path: Path, *, env: Mapping[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        self.log_path = log_path
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("REPLYLINT_", "PROMETHEUS_MULTIPROC"))}
        for name in ("REPLYLINT_MODEL_DIR", "REPLYLINT_CACHE_DIR"):
            if name in os.environ:
                self.env[name] = os.environ[name]
        # Feedback goes to a file beside the log, never to the home folder's default store.
        feedback = str(log_path.parent / "feedback.sqlite3")
        self.env.update({"REPLYLINT_REQUIRE_MODEL": "false", "REPLYLINT_FEEDBACK_DATABASE": feedback, **(env or {})})
        self.args = args
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        for _attempt in range(3):  # the free port may be taken between probe and bind
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [*SERVE, "--host", "127.0.0.1", "--port", str(self.port), *self.args],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_healthy():
                return self
            self.stop()
        raise RuntimeError(f"the API server did not start; its log:\n{self.log()[-4000:]}")

    def _wait_healthy(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_after(self, pattern: str, timeout: float = 15.0) -> str:
        """The log once a line matches ``pattern`` (lines are written just after the response is sent)."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log()
            if re.search(pattern, log) or time.monotonic() > deadline:
                return log
            time.sleep(0.05)

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)  # type: ignore[arg-type]


def _serve(tmp_path_factory: pytest.TempPathFactory, name: str, **kwargs: object) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp(name)
    server = LiveServer(folder / "server.log", **kwargs).start()  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """No keys; CORS for one extension and one helpdesk, set in a YAML config file."""
    config = tmp_path_factory.mktemp("open-config") / "replylint.yaml"
    config.write_text(
        f"extension_ids: [{EXTENSION_ID}]\nallowed_origins: ['{HELPDESK_ORIGIN}']\nmax_batch_items: 1000\n", encoding="utf-8"
    )
    yield from _serve(tmp_path_factory, "open", args=("--config", str(config)))


API_KEYS = {"helpdesk": "rl_test-helpdesk-key", "extension": "rl_test-extension-key", "burst": "rl_test-burst-key"}
RATE_LIMIT_BURST = 20


@pytest.fixture(scope="session")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Keys required, a per-key rate limit, two worker processes; settings from a TOML file and variables."""
    from api.keys import key_line

    folder = tmp_path_factory.mktemp("keyed-config")
    keys_file = folder / "keys.txt"
    keys_file.write_text(
        "# test keys\n" + "".join(key_line(name, key) + "\n" for name, key in API_KEYS.items()), encoding="utf-8"
    )
    config = folder / "replylint.toml"
    config.write_text(f'api_keys_file = "{keys_file}"\nrate_limit_per_minute = 60\n', encoding="utf-8")
    env = {
        "REPLYLINT_CONFIG": str(config),
        "REPLYLINT_RATE_LIMIT_BURST": str(RATE_LIMIT_BURST),
        "REPLYLINT_ALLOW_ANY_EXTENSION": "true",
    }
    yield from _serve(tmp_path_factory, "keyed", env=env, args=("--workers", "2"))
