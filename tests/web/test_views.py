"""What the app keeps of its views: a diagnosis asked for while the diagnoses are being computed is
served once they are ready (nothing is kept of a "not yet")."""

from __future__ import annotations

from tests.platform_fixtures import TERRITORY, Served, login

from mesocare.services.platform.territories import Progress


def test_asked_while_computing_then_served_once_ready(client, served: Served) -> None:  # type: ignore[no-untyped-def]
    entry = served.platform.entry(TERRITORY)  # type: ignore[attr-defined]
    token = {"Authorization": f"Bearer {served.tokens['admin']}"}
    api = f"/api/v1/territories/{TERRITORY}/zones/Z01/diagnosis"
    page = f"/t/{TERRITORY}/z/Z01"
    assert login(client, served.emails["admin"]).status_code == 303
    ready, progress = entry._diagnoses, entry.progress
    entry._diagnoses, entry.progress = {}, Progress(state="computing", total=len(entry.zones))
    try:
        assert client.get(api, headers=token).status_code == 503
        r = client.get(page)
        assert r.status_code == 200 and "<progress" in r.text
    finally:
        entry._diagnoses, entry.progress = ready, progress
    r = client.get(api, headers=token)
    assert r.status_code == 200 and r.json()["zone"]["code"] == "Z01"
    r = client.get(page)
    assert r.status_code == 200 and "<progress" not in r.text and 'class="mc-report"' in r.text
