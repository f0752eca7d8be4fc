"""Each API key's team and its config, reloaded without a restart.

A request's team comes from its API key (``team=`` in the keys file; see ``api.keys``), or is
``default`` on a server without keys. The team's config is ``<teams_dir>/<team>.yaml``; a team
without a file gets the defaults (every built-in rule, no allowlist, no sentence text stored).

Reload: like the keys file, the config's modification time (and its rule packs') is checked at
most every two seconds when the team is used; a changed file is loaded, validated and swapped in
for the next request. A file that no longer loads is logged (with its error code) and the
previous config stays in force, so a typo never switches a team's settings off.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from starlette.requests import Request

from linter import Linter
from linter.errors import ReplylintError
from linter.team import TEAM_NAME, TeamConfig, load_team_config

from .middleware import DEFAULT_TEAM, TEAM_SCOPE_KEY

log = logging.getLogger("replylint.api")

RELOAD_INTERVAL = 2.0  # seconds between checks of a team's files


@dataclass(frozen=True)
class Team:
    """One team as the routes see it: its config and the linter built for it."""

    config: TeamConfig
    linter: Linter
    files: tuple[tuple[Path, float], ...]  # (file, mtime) of the config and its rule packs; () for the defaults
    checked: float


class TeamRegistry:
    def __init__(self, base: Linter, teams_dir: Path | None) -> None:
        self.base = base
        self.teams_dir = Path(teams_dir) if teams_dir else None
        self._teams: dict[str, Team] = {}
        self._lock = threading.Lock()

    def preload(self) -> list[str]:
        """Load every team config in ``teams_dir`` now, so a broken one shows in the log at start."""
        names = sorted(path.stem for path in self.teams_dir.glob("*.yaml")) if self.teams_dir and self.teams_dir.is_dir() else []
        for name in names:
            if TEAM_NAME.match(name):
                self.get(name)
        return names

    def fresh(self, name: str) -> Team | None:
        """The team if it was checked within the reload interval (no file access), else None."""
        team = self._teams.get(name)
        return team if team is not None and time.monotonic() - team.checked < RELOAD_INTERVAL else None

    def get(self, name: str) -> Team:
        """The team, its files checked for changes first when the interval has passed (may build a linter: not on the event loop)."""
        team = self.fresh(name)
        if team is not None:
            return team
        now = time.monotonic()
        with self._lock:
            team = self._teams.get(name)
            if team is not None and now - team.checked < RELOAD_INTERVAL:
                return team
            self._teams[name] = team = self._refresh(name, team, now)
            return team

    def _path(self, name: str) -> Path | None:
        return self.teams_dir / f"{name}.yaml" if self.teams_dir else None

    def _refresh(self, name: str, current: Team | None, now: float) -> Team:
        path = self._path(name)
        if path is None or not path.is_file():
            if current is not None and current.files:
                log.warning("team %s: %s is gone; the team now uses the defaults", name, path)
            if current is not None and not current.files:
                return Team(current.config, current.linter, (), now)
            config = TeamConfig(name=name)
            return Team(config, self.base.with_team(config), (), now)
        if current is not None and current.files and all(_mtime(file) == mtime for file, mtime in current.files):
            return Team(current.config, current.linter, current.files, now)
        try:
            config = load_team_config(path, name=name)
            if config.name != name:
                config = replace(config, name=name)  # the file name is the team the keys name
            linter = self.base.with_team(config)
        except ReplylintError as err:
            files = _files(path, current.config if current else None)
            if current is None:  # nothing to fall back to but the defaults: say so loudly
                log.error("team %s: %s; serving the defaults until the file is fixed", name, err.message)
                config = TeamConfig(name=name)
                return Team(config, self.base.with_team(config), files, now)
            log.error("team %s: keeping the previous config: %s", name, err.message)
            return Team(current.config, current.linter, files, now)
        log.info("team %s: loaded %s (%d pack rule(s))", name, path, len(config.pack_rules))
        return Team(config, linter, _files(path, config), now)


def _files(path: Path, config: TeamConfig | None) -> tuple[tuple[Path, float], ...]:
    packs = {Path(rule.source.rsplit(":", 1)[0]) for rule in config.pack_rules} if config else set()
    return tuple((file, _mtime(file)) for file in [path, *sorted(packs)])


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns / 1e9
    except OSError:
        return -1.0


async def request_team(request: Request) -> Team:
    """The team of this request (its API key's), with its config and linter.

    A reload reads files and builds a rule matcher (up to a second), so it runs in a thread.
    """
    name = request.scope.get(TEAM_SCOPE_KEY, DEFAULT_TEAM)
    registry: TeamRegistry = request.app.state.teams
    return registry.fresh(name) or await asyncio.to_thread(registry.get, name)
