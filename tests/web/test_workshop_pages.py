"""A world café through the pages: the coordinator prepares a workshop, opens the join link
(with its QR code), three phones join without an account, two rounds run with a pad per table,
the facilitator's live.json follows the pads, the harvest becomes points, and the summary prints
in the workshop's language. A participant's token opens nothing else."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, Served, csrf_of, login

PHONES = [
    ("An", "GP", "care"),
    ("Bram", "Maatschappelijk werker", "welfare"),
    ("Chloé", "Verpleegkundige", "care"),
    ("Dirk", "Schepen", "local_government"),
]
PAD = "Schulden eerst\nSamen met het OCMW"


def _coordinator(app: Any) -> tuple[TestClient, str]:
    c = TestClient(app, base_url="http://testserver", follow_redirects=False)
    assert login(c, ACCOUNTS["coordinator"][0]).status_code == 303
    return c, csrf_of(c.get("/account").text)


def _post(c: TestClient, url: str, data: dict[str, Any]) -> Any:
    r = c.post(url, data=data)
    assert r.status_code == 303, (url, r.status_code, r.text[:3000])
    return r


def run_cafe(app: Any) -> tuple[int, list[TestClient], TestClient, str]:
    c, csrf = _coordinator(app)
    assert "Case workshops" in c.get("/t/leuven/z/Z01/workshops").text
    new = c.get("/t/leuven/z/Z01/workshops/new?language=nl")
    assert "Welke problemen zie je in deze casus?" in new.text
    r = _post(
        c,
        "/t/leuven/z/Z01/workshops",
        {
            "csrf_token": csrf,
            "title": "Casus mevrouw V.",
            "language": "nl",
            "case_study": "Mevrouw V. (58) heeft diabetes en schulden.",
            "questions": "",
            "tables": "2",
            "rounds": "2",
        },
    )
    wid = int(re.search(r"/workshops/(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    _post(c, f"/workshops/{wid}/join-link", {"csrf_token": csrf, "hours": "4"})
    page = c.get(f"/workshops/{wid}").text
    link = re.search(r'href="http://testserver(/cafe/[0-9a-f]+)"', page)
    assert link, page
    phones = []
    for name, prof, sector in PHONES:
        ph = TestClient(app, base_url="http://testserver", follow_redirects=False)
        form = ph.get(link.group(1))
        assert form.status_code == 200 and "Jouw voornaam" in form.text
        r = ph.post(
            link.group(1),
            data={
                "csrf_token": csrf_of(form.text),
                "name": name,
                "profession": prof,
                "sector": sector,
            },
        )
        assert r.status_code == 303 and r.headers["location"] == f"/cafe/w/{wid}"
        phones.append(ph)
    page = c.get(f"/workshops/{wid}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    _post(c, f"/workshops/{wid}/next", {"csrf_token": csrf, "version": version})
    return wid, phones, c, csrf


def test_a_cafe_runs_from_the_phones_through_two_rounds(served: Served, app: Any) -> None:
    wid, phones, c, csrf = run_cafe(app)
    first = phones[0].get(f"/cafe/w/{wid}")
    assert "Ronde 1 van 2" in first.text and "Welke problemen zie je in deze casus?" in first.text
    version = re.search(r'name="version" value="(\d+)"', first.text).group(1)  # type: ignore[union-attr]
    r = phones[0].post(
        f"/cafe/w/{wid}/pad",
        data={"csrf_token": csrf_of(first.text), "version": version, "text": PAD},
    )
    assert r.status_code == 303
    # a stale save from the same table is refused with the other text shown
    r = phones[0].post(
        f"/cafe/w/{wid}/pad",
        data={"csrf_token": csrf_of(first.text), "version": version, "text": "x"},
    )
    assert r.status_code == 409 and "Schulden eerst" in r.text
    live = c.get(f"/workshops/{wid}/live.json").json()
    assert live["round"] == 1 and any(p["text"] == PAD for p in live["pads"])
    assert live["participants"] == 4
    # the participant's token is no session: everything else sees no one
    assert phones[0].get("/cases").status_code == 303
    assert phones[0].get(f"/workshops/{wid}").status_code == 303
    assert phones[0].get(f"/workshops/{wid}/live.json").status_code == 303
    page = c.get(f"/workshops/{wid}").text
    assert "<svg" in page  # the QR code
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    _post(c, f"/workshops/{wid}/next", {"csrf_token": csrf, "version": version})
    second = phones[1].get(f"/cafe/w/{wid}").text
    assert "Ronde 2 van 2" in second
    page = c.get(f"/workshops/{wid}").text
    pad_id = re.search(r'data-pad="(\d+)">Schulden eerst', page).group(1)  # type: ignore[union-attr]
    _post(c, f"/workshops/{wid}/pads/{pad_id}/harvest", {"csrf_token": csrf})
    _post(
        c,
        f"/workshops/{wid}/points",
        {"csrf_token": csrf, "kind": "take_home", "text": "Begin bij wat de patiënt eerst wil"},
    )
    page = c.get(f"/workshops/{wid}").text
    point = re.search(r"/points/(\d+)/to", page).group(1)  # type: ignore[union-attr]
    _post(
        c,
        f"/workshops/{wid}/points/{point}/to",
        {"csrf_token": csrf, "version": "1", "destination": "library"},
    )
    page = c.get(f"/workshops/{wid}").text
    practice = re.search(r'href="/library/(\d+)"', page).group(1)  # type: ignore[union-attr]
    assert "Schulden eerst" in c.get(f"/library/{practice}").text  # the first point
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    _post(c, f"/workshops/{wid}/next", {"csrf_token": csrf, "version": version})
    assert "De workshop is voorbij" in phones[2].get(f"/cafe/w/{wid}").text
    summary = c.get(f"/workshops/{wid}/summary").text
    assert "Begin bij wat de patiënt eerst wil" in summary and "Schulden eerst" in summary
    assert "Meegenomen boodschappen" in summary  # in the workshop's language
    # a member of the zone reads the summary, not the facilitator's screen
    m = TestClient(app, base_url="http://testserver", follow_redirects=False)
    assert login(m, ACCOUNTS["member"][0]).status_code == 303
    assert m.get(f"/workshops/{wid}/summary").status_code == 200
    assert m.get(f"/workshops/{wid}").status_code == 403


def test_a_bad_or_expired_link_asks_for_a_new_one(app: Any) -> None:
    ph = TestClient(app, base_url="http://testserver", follow_redirects=False)
    r = ph.get("/cafe/" + "0" * 64)
    assert r.status_code == 401 and "new link" in r.text
    assert ph.get("/cafe/w/1").status_code == 303
