"""Helpers shared by the tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` counted in UTF-16 code units, as a JavaScript client slices it."""
    return text.encode("utf-16-le", "surrogatepass")[start * 2 : end * 2].decode("utf-16-le", "surrogatepass")


def run_python(script: str, *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """Run ``script`` in a fresh interpreter (imports and process-wide state start clean); its stdout."""
    result = subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout
