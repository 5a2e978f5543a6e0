"""What an attacker tries: a form without its CSRF token, an old session after logout, a disabled
user's token, guessing passwords, an open redirect, an oversized or wrong upload; and what the
server's log must never hold (passwords, tokens, session secrets, person-level data)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served, csrf_of, login

COORD = ACCOUNTS["coordinator"][0]


def _count_actors(served: Served) -> int:
    from sqlalchemy import func, select

    from mesocare.store.models import Actor

    with served.platform.session() as s:  # type: ignore[attr-defined]
        return int(s.scalar(select(func.count()).select_from(Actor)) or 0)


def test_headers_of_every_answer(client: TestClient) -> None:
    for path in ("/login", "/healthz", "/api/v1/me", "/nowhere"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "frame-ancestors 'none'" in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-request-id"]


def test_pages_carry_no_inline_script(client: TestClient) -> None:
    import re

    login(client, ACCOUNTS["admin"][0])
    for path in ("/login", "/t/leuven", "/t/leuven/z/Z01", "/t/leuven/z/Z01/actors", "/account"):
        html = client.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"{path}: {tag}"
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", html), f"{path}: an inline event handler"
        assert "javascript:" not in html


def test_session_cookie_flags_and_a_new_session_at_each_login(client: TestClient) -> None:
    r = login(client, COORD)
    cookie = r.headers["set-cookie"]
    assert "mc_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    first = client.cookies.get("mc_session")
    client.cookies.clear()
    login(client, COORD)
    assert client.cookies.get("mc_session") not in (None, first)


def test_secure_cookies_behind_https(served: Served) -> None:
    from mesocare.web.app import create_app

    app = create_app(served.platform, secure_cookies=True)  # type: ignore[arg-type]
    with TestClient(app, base_url="https://testserver") as c:
        assert "Secure" in login(c, COORD).headers["set-cookie"]


def test_form_post_without_csrf_is_refused_and_changes_nothing(
    client: TestClient, served: Served
) -> None:
    login(client, COORD)
    before = _count_actors(served)
    form = {"name": "Forged", "discipline": "gp", "address": "x"}
    r = client.post("/t/leuven/z/Z01/actors", data=form, follow_redirects=False)
    assert r.status_code == 403
    r = client.post(
        "/t/leuven/z/Z01/actors", data={**form, "csrf_token": "forged"}, follow_redirects=False
    )
    assert r.status_code == 403
    assert _count_actors(served) == before
    # the same post with the session's token is accepted
    token = csrf_of(client.get("/t/leuven/z/Z01/actors/new").text)
    r = client.post(
        "/t/leuven/z/Z01/actors", data={**form, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and _count_actors(served) == before + 1


def test_login_form_needs_its_csrf_cookie(client: TestClient) -> None:
    r = client.post(
        "/login",
        data={"email": COORD, "password": PASSWORD, "csrf_token": "x"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and "mc_session" not in client.cookies


def test_session_stops_working_after_logout(client: TestClient) -> None:
    login(client, COORD)
    secret = client.cookies.get("mc_session")
    assert client.get("/t/leuven/z/Z01/actors", follow_redirects=False).status_code == 200
    token = csrf_of(client.get("/account").text)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    client.cookies.set("mc_session", secret)  # an attacker who kept the cookie
    r = client.get("/t/leuven/z/Z01/actors", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_disabled_user_loses_token_and_session(client: TestClient, served: Served) -> None:
    from mesocare.services.platform import accounts as A

    bearer = {"Authorization": f"Bearer {served.tokens['viewer']}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    login(client, ACCOUNTS["viewer"][0])
    assert client.get("/account", follow_redirects=False).status_code == 200
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        A.set_disabled(s, ACCOUNTS["viewer"][0], True, by=None, request_id="test")
    r = client.get("/api/v1/me", headers=bearer)
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert login(client, ACCOUNTS["viewer"][0]).status_code == 401


def test_a_forged_token_is_refused(client: TestClient) -> None:
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer mc_forged"})
    assert r.status_code == 401 and r.json()["status"] == 401


def test_login_throttling(client: TestClient) -> None:
    page = client.get("/login")
    for _ in range(5):
        r = client.post(
            "/login",
            data={"email": COORD, "password": "wrong password", "csrf_token": csrf_of(page.text)},
        )
        assert r.status_code == 401
    r = client.post(
        "/login",
        data={"email": COORD, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 429 and "mc_session" not in client.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_no_open_redirect_after_login(client: TestClient, target: str) -> None:
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "email": COORD,
            "password": PASSWORD,
            "next": target,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_uploads_have_a_size_limit_and_a_type_check(client: TestClient, served: Served) -> None:
    bearer = {"Authorization": f"Bearer {served.tokens['coordinator']}"}
    url = "/api/v1/territories/leuven/zones/Z01/actors/import"
    before = _count_actors(served)
    big = b"name,discipline,address\n" + b"x,gp,y\n" * 1_000_000
    r = client.post(url, headers=bearer, files={"file": ("a.csv", big, "text/csv")})
    assert r.status_code == 413
    r = client.post(url, headers=bearer, files={"file": ("a.png", b"\x89PNG....", "image/png")})
    assert r.status_code == 415 and "CSV" in r.json()["detail"]
    bad = b"name,discipline,address\nGood,gp,Street 1\n,gp,Street 2\nThird,surgeon,Street 3\n"
    r = client.post(url, headers=bearer, files={"file": ("bad.csv", bad, "text/csv")})
    body = r.json()
    assert r.status_code == 422 and "row 3" in body["detail"] and "row 4" in body["detail"]
    assert "row 2" not in body["detail"]
    assert _count_actors(served) == before  # all rows or none


def test_an_internal_error_shows_no_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mesocare.services.platform import actors as S

    def broken(*a: object, **k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(S, "list_actors", broken)
    login(client, COORD)
    with caplog.at_level(logging.ERROR, logger="mesocare.web"):
        r = client.get("/t/leuven/z/Z01/actors")
        api = client.get(
            "/api/v1/territories/leuven/zones/Z01/actors",
            headers={"Authorization": "Bearer " + "x"},
        )
    assert r.status_code == 500 and "Traceback" not in r.text and "boom" not in r.text
    assert r.headers["x-request-id"] in r.text
    assert api.status_code == 401
    assert any("RuntimeError" in rec.getMessage() for rec in caplog.records)


def test_the_log_holds_no_secret_nor_person_data(
    client: TestClient, served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    entry = served.platform.entry("leuven")  # type: ignore[attr-defined]
    persons = entry.territory.tables.get("persons")
    with caplog.at_level(logging.DEBUG):
        login(client, COORD)
        page = client.get("/login")
        client.post(
            "/login",
            data={
                "email": COORD,
                "password": "a wrong guess 123",
                "csrf_token": csrf_of(page.text),
            },
        )
        bearer = {"Authorization": f"Bearer {served.tokens['admin']}"}
        client.get("/api/v1/territories/leuven/zones/Z01/diagnosis", headers=bearer)
        client.get("/t/leuven/z/Z01")
        client.get("/api/v1/audit", headers=bearer)
    text = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert "mesocare.web" in caplog.text  # requests were logged
    for secret in (
        PASSWORD,
        "a wrong guess 123",
        served.tokens["admin"],
        client.cookies.get("mc_session") or "-",
    ):
        assert secret not in text
    if persons is not None and "person_id" in persons:
        for pid in persons["person_id"].astype(str).head(200):
            assert f"={pid}" not in text and f" {pid} " not in text
