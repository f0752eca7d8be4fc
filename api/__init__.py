"""replylint over HTTP: a FastAPI service for the browser extension and helpdesk integrations.

    >>> from api import Settings, create_app
    >>> app = create_app(Settings(require_model=False))

``create_app`` builds the app; its lifespan loads one ``linter.Linter`` before the first request.
FastAPI is imported only when ``create_app`` is used, so ``replylint keys`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app for ``settings`` (default: from ``REPLYLINT_*`` variables and the config file)."""
    from .app import create_app as _create_app

    return _create_app(settings)
