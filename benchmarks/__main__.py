"""Run every benchmark: `python -m benchmarks [linter|api ...]`."""

from __future__ import annotations

import importlib
import sys

SUITES = {
    "linter": "benchmarks.bench_linter",
    "api": "benchmarks.bench_api",
    "feedback": "benchmarks.bench_feedback",
    "batch": "benchmarks.bench_batch",
}


def main() -> None:
    chosen = sys.argv[1:] or list(SUITES)
    unknown = [name for name in chosen if name not in SUITES]
    if unknown:
        sys.exit(f"usage: python -m benchmarks [{'|'.join(SUITES)} ...]; unknown: {', '.join(unknown)}")
    for name in chosen:
        try:
            module = importlib.import_module(SUITES[name])
        except ModuleNotFoundError as err:
            print(f"== {name} == skipped: {err}")
            continue
        module.main()


if __name__ == "__main__":
    main()
