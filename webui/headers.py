"""Security headers on every answer: no inline script, no framing, no sniffing, nothing cached but static files."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    # bpmn-js positions its canvas and overlays with style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
CACHEABLE = ("static", "models.vendor")


def register(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    app.after_request(secure)


def secure(response: Response) -> Response:
    """Set the security headers; case data, exports and every page are ``no-store``, static files only are cached.
    A view may have set a stricter policy of its own (a downloaded document: ``sandbox``); it is kept."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in CACHEABLE:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


class QuietRequestHandler(WSGIRequestHandler):
    """The built-in server's handler, answering ``Server: Reintegra`` instead of its Werkzeug and Python versions."""

    def version_string(self) -> str:
        return "Reintegra"
