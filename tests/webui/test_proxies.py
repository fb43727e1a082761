"""Behind a reverse proxy (``REINTEGRA_PROXY_HOPS``): HTTPS at the proxy counts, forged headers without one do not."""

from __future__ import annotations

import pytest

from webui import create_app


@pytest.mark.parametrize(("hops", "is_https"), [(0, False), (1, True)])
def test_https_at_the_proxy_is_trusted_only_when_a_proxy_is_configured(database_url, clock, hops, is_https):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock, "SECRET_KEY": "test-secret",
                      "PROXY_HOPS": hops})
    answer = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.7"})
    app.extensions["reintegra"].close()
    assert ("Strict-Transport-Security" in answer.headers) is is_https
