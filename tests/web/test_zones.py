"""Finding zones by name or code, on the home page and in the API, among those one may see."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, Served, login


def test_search_by_name_or_code_in_any_case(client: TestClient, served: Served) -> None:
    bearer = {"Authorization": f"Bearer {served.tokens['analyst']}"}
    found = lambda q: [  # noqa: E731
        z["code"]
        for z in client.get(
            "/api/v1/territories/leuven/zones", params={"q": q}, headers=bearer
        ).json()["items"]
    ]
    assert found("zone 3 (SYNTHETIC)") == ["Z03"]
    assert found("z02") == ["Z02"]
    assert found("") == ["Z01", "Z02", "Z03", "Z04"]
    assert found("nowhere") == []
    login(client, ACCOUNTS["coordinator"][0])  # sees the figures of its own zone only
    html = client.get("/t/leuven", params={"q": "zone"}).text
    assert "/t/leuven/z/Z01" in html and "/t/leuven/z/Z02" not in html
