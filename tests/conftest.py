from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads((ROOT / "docs" / "report.schema.json").read_text())


# Live API servers (real uvicorn processes) for tests/test_api_*.py.
from api_conftest import api_server, keyed_server  # noqa: E402, F401

# A real PostgreSQL server, and every feedback test parametrized over SQLite and PostgreSQL.
from pg_conftest import feedback_database, postgres_server  # noqa: E402, F401
