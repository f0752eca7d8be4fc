"""API keys, stored hashed.

The keys file holds one key a line as ``NAME sha256:HEX`` or ``NAME sha256:HEX team=TEAM`` (blank
lines and ``#`` comments are ignored); HEX is the SHA-256 of the key. A key's team decides its team
config and whose feedback it writes and reads; a key without ``team=`` is a team of its own. The key itself is shown once, when it is created, and is
never written anywhere. The server re-reads the file when it changes, so keys can be added or
revoked without a restart.

    replylint keys add helpdesk-eu --file /etc/replylint/keys.txt   # prints the new key once
    python -c "import hashlib,sys; print(sys.argv[1] + ' sha256:' + hashlib.sha256(sys.argv[2].encode()).hexdigest())" NAME KEY
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from linter.errors import Errors, ReplylintError

log = logging.getLogger("replylint.api")

KEY_PREFIX = "rl_"
_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9._@-]{1,64})\s+sha256:(?P<digest>[0-9a-f]{64})(?:\s+team=(?P<team>[A-Za-z0-9._-]{1,64}))?$"
)
RELOAD_INTERVAL = 2.0  # seconds between checks of the file's modification time


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh random key: 'rl_' and 43 URL-safe characters (256 bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class KeyOwner:
    name: str
    team: str  # the key's team= or, without one, its own name


def key_line(name: str, key: str, team: str | None = None) -> str:
    line = f"{name} sha256:{hash_key(key)}" + (f" team={team}" if team else "")
    if not _LINE.match(line):
        raise ReplylintError(
            Errors.E472, path="-", line=1, reason=f"the name '{name}' and team '{team}' must be 1-64 letters, digits or . _ @ -"
        )
    return line


def parse_keys(path: Path, text: str) -> dict[str, KeyOwner]:
    """Map each key's sha256 to its owner (name and team); a bad line fails with its number."""
    keys: dict[str, KeyOwner] = {}
    names: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise ReplylintError(
                Errors.E472,
                path=path,
                line=number,
                reason="expected 'NAME sha256:' and 64 lower-case hex digits, then optionally ' team=TEAM'",
            )
        if match["name"] in names:
            raise ReplylintError(Errors.E472, path=path, line=number, reason=f"the name '{match['name']}' is used twice")
        names.add(match["name"])
        keys[match["digest"]] = KeyOwner(match["name"], match["team"] or match["name"])
    return keys


def add_key(path: Path, name: str, team: str | None = None) -> str:
    """Create a key named ``name`` (of ``team``), append its hash to ``path`` (mode 0600) and return the key."""
    path = Path(path)
    existing = parse_keys(path, path.read_text(encoding="utf-8")) if path.exists() else {}
    if name in {owner.name for owner in existing.values()}:
        raise ReplylintError(
            Errors.E472, path=path, line="-", reason=f"a key named '{name}' exists; pick another name or delete its line first"
        )
    key = new_key()
    line = key_line(name, key, team)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return key


class KeyStore:
    """The keys of one file; ``name_for(key)`` answers the key's name or None."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._mtime = self._stat()
        self._keys = self._read()
        self._checked = time.monotonic()

    def _stat(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError as err:
            raise ReplylintError(Errors.E473, path=self.path, reason=err.strerror or str(err)) from err

    def _read(self) -> dict[str, KeyOwner]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ReplylintError(Errors.E473, path=self.path, reason=getattr(err, "strerror", None) or str(err)) from err
        return parse_keys(self.path, text)

    def __len__(self) -> int:
        return len(self._keys)

    def name_for(self, key: str) -> str | None:
        owner = self.owner_for(key)
        return owner.name if owner else None

    def owner_for(self, key: str) -> KeyOwner | None:
        self._maybe_reload()
        return self._keys.get(hash_key(key))

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < RELOAD_INTERVAL:
            return
        with self._lock:
            self._checked = now
            try:
                mtime = self._stat()
                if mtime != self._mtime:
                    self._mtime = mtime  # a broken file is reported once, not at every check
                    self._keys = self._read()
                    log.info("reloaded %d API key(s) from %s", len(self._keys), self.path)
            except ReplylintError as err:  # keep serving with the keys we have
                log.error("keeping the previous API keys: %s", err.message)
