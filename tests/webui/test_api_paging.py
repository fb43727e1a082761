"""Issue 19: the API's inbox and case list come a page at a time: ``limit``, an opaque ``cursor``, a ``Link`` header."""

from __future__ import annotations

import re

import pytest

from tests.webui.conftest import open_law_case
from tests.webui.test_api import api_as  # noqa: F401 (a fixture)


def follow(api, path: str) -> tuple[list, dict[str, str]]:  # type: ignore[no-untyped-def]
    response = api.get(path)
    assert response.status_code == 200
    links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", "")))
    return response.get_json(), {rel: url.removeprefix("/api/v1") for rel, url in links.items()}


def test_the_api_lists_work_items_and_cases_a_page_at_a_time_by_the_link_header(api_as, law):  # noqa: F811
    for number in range(1, 4):
        open_law_case(law, f"R-{number}")
    api = api_as("employer", username="hr1")
    everything, links = follow(api, "/work-items")
    assert len(everything) >= 3 and links == {}
    first, links = follow(api, "/work-items?limit=2")
    assert [i["id"] for i in first] == [i["id"] for i in everything[:2]] and set(links) == {"next"}
    second, links = follow(api, links["next"])
    assert [i["id"] for i in second] == [i["id"] for i in everything[2:4]] and "prev" in links
    back, _ = follow(api, links["prev"])
    assert back == first
    cases, links = follow(api, "/cases?limit=2")
    assert [c["reference"] for c in cases] == ["R-3", "R-2"]
    rest, links = follow(api, links["next"])
    assert [c["reference"] for c in rest] == ["R-1"] and "next" not in links


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=two", "cursor=nonsense",
                                   "sort=newest&cursor=eyJvIjoicmlzayIsImIiOmZhbHNlLCJ2IjpbIjIwMjYtMDEtMDEiLDFdfQ"])
def test_a_refused_page_is_a_400_naming_the_limit_or_cursor(api_as, law, query):  # noqa: F811
    api = api_as("employer", username="hr1")
    for path in ("/work-items", "/cases"):
        response = api.get(f"{path}?{query}")
        assert response.status_code == 400 and response.get_json()["details"], (path, query)
