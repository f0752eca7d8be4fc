from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads((ROOT / "docs" / "report.schema.json").read_text())
