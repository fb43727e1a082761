"""Addresses of another page of a list that keep what the reader searched and filtered for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import url_for


def keeping(endpoint: str, names: tuple[str, ...]) -> Callable[[Mapping[str, str], int], str]:
    """A link maker for the pager: ``endpoint`` on another page with the values of ``names`` in ``args``."""

    def link(args: Mapping[str, str], page: int) -> str:
        kept: dict[str, Any] = {name: args[name] for name in names if args.get(name)}
        return url_for(endpoint, **kept, page=page)

    return link


def with_cursor(endpoint: str, names: tuple[str, ...]) -> Callable[[Mapping[str, str], str | None], str]:
    """A link maker for a keyset pager: ``endpoint`` from ``cursor`` (the first page without) with the values of
    ``names`` in ``args``."""

    def link(args: Mapping[str, str], cursor: str | None) -> str:
        kept: dict[str, Any] = {name: args[name] for name in names if args.get(name)}
        return url_for(endpoint, **kept, cursor=cursor) if cursor else url_for(endpoint, **kept)

    return link
