"""Pages of a long list: how many there are and whether there is one before or after."""

from __future__ import annotations

from ..errors import InvalidInput

PER_PAGE = 25
"""Rows on a page of a list a person reads (the case list, the inbox) unless they ask for another number."""
MAX_PER_PAGE = 200


class Paged:
    """Mixed into a frozen dataclass with ``total``, ``page`` and ``per_page``."""

    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def check_page(page: int, per_page: int) -> None:
    """``InvalidInput`` for a page below 1, or fewer than 1 or more than ``MAX_PER_PAGE`` rows per page."""
    problems = {}
    if page < 1:
        problems["page"] = ["at least 1"]
    if not 1 <= per_page <= MAX_PER_PAGE:
        problems["per_page"] = [f"between 1 and {MAX_PER_PAGE}"]
    if problems:
        raise InvalidInput("the page was refused", problems)
