"""A process version or draft as one zip (its BPMN, its forms, the deadline rules it uses), and a zip read back.

Layout: ``manifest.json`` (process, version or draft, who, when, why), ``bpmn/<file>``, ``forms/<form>`` and
``rules.json`` (the rules as deployed with it, to read: a deploy always counts with the rules in force, which are
law, not model). The same content gives the same bytes: entries sorted, one fixed date.

Read back (``reintegra deploy model.zip``, ``Engine.deploy``), a zip gives its ``.bpmn`` files and its forms
(``.json`` files other than the manifest and the rules), by base name wherever they sit in it; every other entry is
ignored. A zip with too many entries, an entry too large or a whole too large is refused before anything is read.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InvalidInput
from .problem_codes import problem
from .validation import MAX_FILE_BYTES

MAX_ENTRIES = 500
MAX_TOTAL_BYTES = 50_000_000
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
NOT_FORMS = frozenset({"manifest.json", "rules.json"})


def archive(manifest: Mapping[str, Any], files: Mapping[str, str | bytes], forms: Mapping[str, Any],
            rules: Mapping[str, Any]) -> bytes:
    """The zip of one version or draft; ``forms`` are schemas (dicts) or their JSON text."""
    entries = {"manifest.json": _json(manifest), "rules.json": _json(rules)}
    entries |= {f"bpmn/{name}": _bytes(xml) for name, xml in files.items()}
    entries |= {f"forms/{name}": _bytes(form) if isinstance(form, (str, bytes)) else _json(form)
                for name, form in forms.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zipped.writestr(info, entries[name])
    return buffer.getvalue()


def sources(data: bytes, label: str = "the zip") -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The BPMN files and the forms a zip holds, by base name; ``InvalidInput`` for a zip that is none, too big, or
    whose content does not match its directory (a damaged zip, or one that lies about its sizes)."""
    try:
        zipped = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise _refused(problem("archive.not_zip", label=label)) from err
    with zipped:
        entries = [info for info in zipped.infolist() if not info.is_dir()]
        _check_sizes(entries, label)
        files, forms = {}, {}
        for info in entries:
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            if name.endswith(".bpmn"):
                files[name] = _read(zipped, info, label)
            elif name.endswith(".json") and name not in NOT_FORMS:
                forms[name] = _read(zipped, info, label)
    return files, forms


def _read(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    """One entry, never more than its declared size (``ZipExtFile`` stops there and checks the CRC)."""
    try:
        return zipped.read(info)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError) as err:
        raise _refused(problem("archive.entry_unreadable", label=label, entry=info.filename)) from err


def _refused(message: str) -> InvalidInput:
    return InvalidInput(message, {"file": [message]})


def read_path(path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """``sources`` of a zip file on disk."""
    return sources(path.read_bytes(), path.name)


def _check_sizes(entries: list[zipfile.ZipInfo], label: str) -> None:
    message = None
    if len(entries) > MAX_ENTRIES:
        message = problem("archive.too_many_files", label=label, limit=MAX_ENTRIES)
    elif any(info.file_size > MAX_FILE_BYTES for info in entries):
        message = problem("archive.file_too_large", label=label, limit=MAX_FILE_BYTES)
    elif sum(info.file_size for info in entries) > MAX_TOTAL_BYTES:
        message = problem("archive.too_large", label=label, limit=MAX_TOTAL_BYTES)
    if message:
        raise _refused(message)


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value
