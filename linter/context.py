"""What the caller knows about the ticket a draft answers. Every field is optional."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .errors import Errors, ReplylintError


@dataclass(frozen=True)
class Context:
    customer_name: str | None = None
    customer_messages: tuple[str, ...] = ()
    company: str | None = None
    partners: tuple[str, ...] = ()
    agent_name: str | None = None

    @classmethod
    def from_value(cls, value: Context | dict[str, Any] | None) -> Context | None:
        """Accept a Context, a plain dict (from JSON) or None; reject anything else clearly."""
        if value is None or isinstance(value, Context):
            return value
        names = [f.name for f in fields(cls)]
        if not isinstance(value, dict):
            raise ReplylintError(Errors.E007, fields=", ".join(names), reason=type(value).__name__)
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ReplylintError(Errors.E007, fields=", ".join(names), reason=f"unknown field(s) {', '.join(unknown)}")
        cleaned: dict[str, Any] = {}
        for name in ("customer_name", "company", "agent_name"):
            item = value.get(name)
            if item is not None and not isinstance(item, str):
                raise ReplylintError(Errors.E007, fields=", ".join(names), reason=f"'{name}' must be a string")
            cleaned[name] = item
        for name in ("customer_messages", "partners"):
            items = value.get(name) or []
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ReplylintError(Errors.E007, fields=", ".join(names), reason=f"'{name}' must be a list of strings")
            cleaned[name] = tuple(items)
        return cls(**cleaned)
