"""Where the bytes of case documents live: in the database, or in a directory outside the web root.

The directory is content-addressed (``<sha256[:2]>/<sha256>``): the same bytes are kept once, a file is
written whole before it is named (a crash leaves no half file under a real name), and nothing is served
from it directly.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..errors import NotFound
from .paper_models import CaseDocument


class FileStore:
    """Keeps and reads document bytes: ``directory`` None means in the database row itself."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory

    def keep(self, row: CaseDocument, content: bytes) -> None:
        """Fill ``row``'s size, digest and storage with ``content``, writing the bytes where they are kept."""
        row.size, row.sha256 = len(content), hashlib.sha256(content).hexdigest()
        if self.directory is None:
            row.storage, row.content = "database", content
            return
        row.storage, row.content = "directory", None
        path = self._path(row.sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)

    def read(self, row: CaseDocument) -> bytes:
        """The bytes of ``row``; ``NotFound`` when the directory no longer holds them."""
        if row.storage == "erased":
            raise NotFound(f"document {row.id} was erased with its case's personal data")
        if row.storage == "database":
            return row.content or b""
        if self.directory is None:
            raise NotFound(f"document {row.id} is kept in a documents directory that is not configured")
        try:
            return self._path(row.sha256).read_bytes()
        except FileNotFoundError as err:
            raise NotFound(f"document {row.id} is missing from the documents directory") from err

    def forget(self, digests: set[str]) -> None:
        """Remove the directory's files of ``digests`` (no document holds them any more)."""
        if self.directory is None:
            return
        for digest in digests:
            self._path(digest).unlink(missing_ok=True)

    def _path(self, sha256: str) -> Path:
        assert self.directory is not None
        return self.directory / sha256[:2] / sha256
