"""The letter catalogue and its templates (``processes/letters``), rendered to PDF.

A template is HTML with Jinja placeholders, rendered in a sandbox with autoescape (a value typed into a form can
neither run code nor add markup), then laid out by WeasyPrint with the one style sheet ``letter.css``. WeasyPrint
fetches nothing: the style sheet is handed over as text and every URL but ``data:`` is refused, so a letter never
reaches the network or the file system.

Determinism: the same catalogue, templates and values give the same bytes. The context holds no clock; the
letter's date is a value like any other (``letters.letter_date``), and the PDF's metadata are fixed: its title,
a fixed generator, and its creation and modification dates set to the letter's own date.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import processes

from ..errors import InvalidModel, Problem
from .disclosure import CLASSIFICATIONS

LETTERS_DIR = Path(processes.__file__).resolve().parent / "letters"
LANGUAGES = ("nl", "fr", "en")
"""Every letter has a template in each: nl and fr are the letters the law needs; en is for review."""
STYLE_SHEET = "letter.css"
GENERATOR = "Reintegra"


@dataclass(frozen=True)
class Offer:
    """A place where a letter is offered: a task of the procedure (the instance's own process id)."""

    process_id: str
    task: str


@dataclass(frozen=True)
class LetterSpec:
    """One letter of ``letters.toml``: what it is, for whom, what it may carry, where it is offered."""

    name: str
    titles: dict[str, str]
    classification: str
    addressed_to: str
    offered_at: tuple[Offer, ...]
    dated_by: tuple[tuple[str, str], ...]
    """(form, field) of the acts whose recorded date is the letter's own date, first found wins."""
    kind_field: tuple[str, str, str] | None = None
    """(form, field, value): offered only while that field holds no other value."""

    def is_offered_at(self, process_id: str, task: str) -> bool:
        """Whether the task ``task`` of a ``process_id`` instance offers this letter."""
        return Offer(process_id, task) in self.offered_at

    def title(self, language: str) -> str:
        """The title in ``language``, English when it has none."""
        return self.titles.get(language) or self.titles["en"]


@cache
def catalogue(directory: Path = LETTERS_DIR) -> dict[str, LetterSpec]:
    """The letters of ``letters.toml``, in file order; ``InvalidModel`` lists every problem (a missing title or
    template, an unknown classification, a malformed place)."""
    with open(directory / "letters.toml", "rb") as handle:
        raw = tomllib.load(handle)
    problems = [problem for name, entry in raw.items() for problem in _problems(directory, name, entry)]
    if problems:
        raise InvalidModel(f"{len(problems)} problem(s) in the letter catalogue", problems)
    return {name: _spec(name, entry) for name, entry in raw.items()}


def _problems(directory: Path, name: str, entry: Mapping[str, Any]) -> list[Problem]:
    found = []
    if set(entry.get("title", {})) != set(LANGUAGES):
        found.append(Problem(name, "needs a title in nl, fr and en"))
    if entry.get("classification") not in CLASSIFICATIONS:
        found.append(Problem(name, f"classification must be one of {', '.join(CLASSIFICATIONS)}"))
    found += [Problem(name, f"offered_at '{place}' is not <process>#<task>") for place in entry.get("offered_at", [])
              if place.count("#") != 1]
    found += [Problem(name, f"dated_by '{ref}' is not <form>.<field>") for ref in entry.get("dated_by", [])
              if ref.count(".") != 1]
    found += [Problem(name, f"no template {name}.{language}.html") for language in LANGUAGES
              if not (directory / f"{name}.{language}.html").is_file()]
    return found


def _spec(name: str, entry: Mapping[str, Any]) -> LetterSpec:
    kind = entry.get("kind_field")
    kind_field = None
    if kind:
        reference, value = kind.split("=", 1)
        form, field = reference.split(".", 1)
        kind_field = (form, field, value)
    return LetterSpec(name, dict(entry["title"]), entry["classification"], entry["addressed_to"],
                      tuple(Offer(*place.split("#", 1)) for place in entry.get("offered_at", [])),
                      tuple(tuple(ref.split(".", 1)) for ref in entry.get("dated_by", [])),  # type: ignore[misc]
                      kind_field)


@cache
def _environment(directory: Path) -> Any:
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(loader=FileSystemLoader(directory), autoescape=True, trim_blocks=True,
                                lstrip_blocks=True)


def html(letter: LetterSpec, language: str, context: Mapping[str, Any], directory: Path = LETTERS_DIR) -> str:
    """The letter as HTML in ``language``, filled with ``context``."""
    template = _environment(directory).get_template(f"{letter.name}.{language}.html")
    return str(template.render(**context, letter_title=letter.title(language), language=language))


def pdf(letter: LetterSpec, language: str, context: Mapping[str, Any], *, dated: str,
        directory: Path = LETTERS_DIR) -> bytes:
    """The letter as PDF bytes: the same arguments always give the same bytes.

    ``dated`` (an ISO date) is the letter's own date, written as the PDF's creation and modification dates.
    """
    from weasyprint import CSS, HTML

    fetcher = _fetcher_class()()
    style = CSS(string=(directory / STYLE_SHEET).read_text(encoding="utf-8"), url_fetcher=fetcher)
    page = html(letter, language, {**context, "pdf_created": dated}, directory)
    with _font_timestamp(date.fromisoformat(dated)):
        return bytes(HTML(string=page, url_fetcher=fetcher, base_url=None).write_pdf(stylesheets=[style]))


_FONT_LOCK = threading.Lock()
_FONT_EPOCH = date(1904, 1, 1)
"""The epoch of an OpenType font's ``head`` timestamps."""


@contextmanager
def _font_timestamp(day: date) -> Iterator[None]:
    """Stamp the font subsets embedded in a letter with the letter's own date instead of the moment of rendering.

    Without HarfBuzz's subsetter WeasyPrint subsets fonts with fontTools, which writes the current time into each
    subset's ``head`` table: the same letter would differ from one second to the next. fontTools reads that time
    through one module-level function; it is replaced for the duration of one rendering (renderings take turns).
    """
    from fontTools.ttLib.tables import _h_e_a_d

    stamp = (day - _FONT_EPOCH).days * 86400
    with _FONT_LOCK:
        original = _h_e_a_d.timestampNow
        _h_e_a_d.timestampNow = lambda: stamp
        try:
            yield
        finally:
            _h_e_a_d.timestampNow = original


@cache
def _fetcher_class() -> type:
    """WeasyPrint's fetcher refusing every URL but ``data:`` (built lazily: importing the engine does not import
    WeasyPrint)."""
    from weasyprint.urls import URLFetcher, URLFetchingError

    class NoFetching(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise URLFetchingError(f"letters fetch no resources ({url.split(':', 1)[0]})")
            return super().fetch(url, headers)

    return NoFetching
