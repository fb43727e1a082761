"""The legal reference (``processes/LEGAL.md``): per rule where it is modelled, its verdict logic, its source
and whether it is verified, rendered as HTML whose only raw HTML is our own rule anchors (``<a id="T08">``); and
the legal terms of ``processes/deadlines.toml`` in one language, which the page lists beside that English text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

import processes

from .deadline_rules import Rule

LEGAL_FILE = Path(processes.__file__).parent / "LEGAL.md"
ANCHOR = re.compile(r'<a id="[A-Za-z0-9._-]+">|</a>')
"""The raw HTML the document may carry: a rule anchor and its end. Anything else is shown as text."""


def legal_reference(path: Path | None = None) -> str:
    """Return the legal reference as Markdown text (English)."""
    return (path or LEGAL_FILE).read_text(encoding="utf-8")


def legal_reference_html(path: Path | None = None) -> str:
    """Return the legal reference as HTML, safe to insert into a page: raw HTML other than the rule anchors
    is escaped, and links to unsafe schemes (``javascript:``) are not made."""
    return _render(legal_reference(path))


@lru_cache(maxsize=4)
def _render(text: str) -> str:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    parser.add_render_rule("html_inline", _whitelisted)
    parser.add_render_rule("html_block", _whitelisted)
    return parser.render(text)


def _whitelisted(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    content = tokens[idx].content
    pieces = ANCHOR.split(content.strip())
    if all(not piece.strip() for piece in pieces):
        return content
    return escapeHtml(content)


@dataclass(frozen=True)
class LegalTerm:
    """A legal term in one language: what it is, from when it counts, what its expiry means, and its source."""

    rule: str
    title: str
    start_event: str
    on_expiry: str
    legal_source: str
    is_unverified: bool


def legal_terms(rules: Mapping[str, Rule], language: str) -> list[LegalTerm]:
    """The terms of ``rules`` in their order, in ``language`` (English where a text is not translated)."""
    return [LegalTerm(rule.id, _text(rule, "title", language), _text(rule, "start_event", language),
                      _text(rule, "on_expiry", language), _text(rule, "legal_source", language), rule.is_unverified)
            for rule in rules.values()]


def _text(rule: Rule, field: str, language: str) -> str:
    return rule.text(field, language) or getattr(rule, field)
