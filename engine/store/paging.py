"""Pages of a long list: how many there are and whether there is one before or after."""

from __future__ import annotations


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
