"""Text as a search compares it: lower case, without accents, spaces collapsed.

SQLite has no ``unaccent``, so the folding happens here, in Python, for both databases: a case keeps its
reference, worker and employer folded in ``case_file.search_text``; a search folds the words typed the same way,
and a case matches when its text contains every word ("peeters eva" finds Éva Peeters).
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, true


def fold(text: str) -> str:
    """``text`` in lower case, accents stripped (NFKD), runs of white space as one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def of_case(reference: str, employee: str, employer: str) -> str:
    """What a case is found by: its reference, its worker's name and its employer, folded."""
    return fold(f"{reference} {employee} {employer}")


def words(query: str | None) -> list[str]:
    """The folded words of what was typed in a search box (none for an empty box)."""
    return fold(query or "").split()


def condition(column: SQLColumnExpression[str], query: str | None) -> ColumnElement[bool]:
    """A condition on a folded column: it contains every word of ``query`` (always true without words)."""
    return and_(true(), *(column.contains(word, autoescape=True) for word in words(query)))


def matches(text: str, query: str | None) -> bool:
    """Whether folded ``text`` contains every word of ``query``, as ``condition`` says in SQL."""
    return all(word in text for word in words(query))
