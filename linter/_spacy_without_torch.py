"""Import spaCy so that thinc does not load torch even when it is installed.

thinc imports torch at import time whenever it can, which costs about a second of cold start and
200 MB of memory; replylint's blank pipeline never uses it. ``sys.modules["torch"] = None`` makes
that one import fail. Every module of ours that imports spaCy imports this first.
"""

import sys

if "torch" not in sys.modules:
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy  # noqa: F401
    finally:
        del sys.modules["torch"]
