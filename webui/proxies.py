"""Behind a reverse proxy: trust ``PROXY_HOPS`` proxies' ``X-Forwarded-For``, ``-Proto``, ``-Host`` and ``-Port``.

Set ``REINTEGRA_PROXY_HOPS`` to the number of proxies in front of the application (1 for one nginx). Then the
sign-in throttle counts attempts per client address rather than per proxy, and HTTPS at the proxy is seen as HTTPS
(HSTS, secure links in mails). Unset (0), the headers are ignored: a client cannot forge its address.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def register(app: Flask) -> None:
    """Wrap ``app`` in ProxyFix for ``PROXY_HOPS`` proxies (none by default)."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]
