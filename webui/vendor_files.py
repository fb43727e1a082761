"""bpmn-js and its styles from node_modules (installed by make; never committed), served from memory.

The files never change while the application runs, so each is read once. Serving them from memory
rather than as open files also means a browser that drops the connection mid-download cannot leave
a file handle open in the server.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Response, abort, request
from werkzeug.security import safe_join

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
SUFFIXES = (".js", ".css", ".woff", ".woff2", ".ttf", ".svg", ".eot")


@lru_cache(maxsize=64)
def _contents(path: str) -> tuple[bytes, str] | None:
    """The file's bytes and a strong ETag, or None when ``path`` names no file under node_modules."""
    joined = safe_join(str(NODE_MODULES), path)
    if joined is None or not Path(joined).is_file():
        return None
    data = Path(joined).read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:32]


def vendor_response(path: str) -> Response:
    """The file at ``path``, answering a matching If-None-Match with 304."""
    found = _contents(path) if path.endswith(SUFFIXES) else None
    if found is None:
        abort(404)
    data, etag = found
    response = Response(data, mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream")
    response.set_etag(etag)
    response.make_conditional(request)
    return response
