from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

# Parsed rule files are cached (linter/rules.py); the suite keeps its cache, as the servers it starts
# do, in a folder of its own that it removes, never in the user's home.
if "REPLYLINT_CACHE_DIR" not in os.environ:
    os.environ["REPLYLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="replylint-test-cache-")
    atexit.register(shutil.rmtree, os.environ["REPLYLINT_CACHE_DIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads((ROOT / "docs" / "report.schema.json").read_text())


# Live API servers (real uvicorn processes) for tests/test_api_*.py.
from api_conftest import api_server, keyed_server  # noqa: E402, F401

# A real PostgreSQL server, and every feedback test parametrized over SQLite and PostgreSQL.
from pg_conftest import feedback_database, postgres_server  # noqa: E402, F401
