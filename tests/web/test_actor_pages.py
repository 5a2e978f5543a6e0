"""The actor pages as a coordinator and a member use them: assign a record to a member, who may
then edit it (and nothing else); a stale form is a conflict page, not an overwrite."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, csrf_of, login


def _first_actor(client: TestClient) -> int:
    html = client.get("/t/leuven/z/Z01/actors").text
    return int(re.findall(r'href="/actors/(\d+)/edit"', html)[0])


def _form(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<select name="([a-z_]+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields[name] = chosen.group(1) if chosen else ""
    fields.pop("confirm", None)
    return fields


def test_assign_then_the_member_edits_only_that(client: TestClient) -> None:
    login(client, ACCOUNTS["coordinator"][0])
    aid = _first_actor(client)
    other = int(
        re.findall(r'href="/actors/(\d+)/edit"', client.get("/t/leuven/z/Z01/actors").text)[1]
    )
    page = client.get(f"/actors/{aid}/edit").text
    assert 'name="assignee"' in page and ACCOUNTS["member"][0] in page
    form = {**_form(page), "assignee": ACCOUNTS["member"][0]}
    r = client.post(f"/actors/{aid}/edit", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    assert ACCOUNTS["member"][0] in client.get("/t/leuven/z/Z01/actors").text
    client.cookies.clear()
    login(client, ACCOUNTS["member"][0])
    page = client.get(f"/actors/{aid}/edit").text
    assert 'name="assignee"' not in page  # a member does not reassign
    form = {**_form(page), "contact": "member-edit@example.org"}
    assert client.post(f"/actors/{aid}/edit", data=form, follow_redirects=False).status_code == 303
    assert client.get(f"/actors/{other}/edit").status_code == 403


def test_a_stale_form_is_a_conflict(client: TestClient) -> None:
    login(client, ACCOUNTS["coordinator"][0])
    aid = _first_actor(client)
    stale = _form(client.get(f"/actors/{aid}/edit").text)
    fresh = {**stale, "contact": "first@example.org"}
    assert client.post(f"/actors/{aid}/edit", data=fresh, follow_redirects=False).status_code == 303
    r = client.post(f"/actors/{aid}/edit", data={**stale, "contact": "second@example.org"})
    assert r.status_code == 409 and "mc-conflict" in r.text and "first@example.org" in r.text
    assert "second@example.org" in r.text  # the user's own change is still in the form
    html = client.get(f"/actors/{aid}/history").text
    assert "first@example.org" in html and "second@example.org" not in html
    token = csrf_of(html)
    assert token
