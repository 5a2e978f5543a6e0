"""Every page renders, in Dutch, French and English, from a typed context; and every template is
rendered by some page."""

from __future__ import annotations

import dataclasses
import re
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient
from tests.platform_fixtures import ACCOUNTS, PASSWORD, Served, login

PAGES = [
    "/login",
    "/account",
    "/t/leuven",
    "/t/leuven?q=zone",
    "/t/leuven/z/Z01",
    "/t/leuven/z/Z01/actors",
    "/t/leuven/z/Z01/actors?network=Z01-N1&q=gp&offset=0",
    "/t/leuven/z/Z01/actors/new",
    "/actors/{actor}/edit",
    "/actors/{actor}/history",
    "/t/leuven/z/Z01/history",
    "/t/leuven/z/Z01/members",
    "/audit",
    "/t/leuven/z/Z01/plans",
    "/t/leuven/z/Z01/plans?gp_norm=120",
    "/plans/{plan}",
    "/plans/{plan}/history",
    "/plans/{plan}/export/html",
    "/plan-items/{item}/edit",
    "/plan-indicators/{indicator}",
    "/nowhere",
]


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    from mesocare.web import render as R

    seen: list[tuple[str, object]] = []
    original = R.render

    def spy(template: str, page: object, **kw: object):  # type: ignore[no-untyped-def]
        seen.append((template, page))
        return original(template, page, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(R, "render", spy)
    for module in ("auth", "zones", "actors", "members", "plans", "plan_items"):
        mod = __import__(f"mesocare.web.pages.{module}", fromlist=["render"])
        monkeypatch.setattr(mod, "render", spy)
    return seen


def _actor(served: Served) -> int:
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import actors as S

    p = served.platform
    with p.session() as s:  # type: ignore[attr-defined]
        access = p.access(A.principal_of(A.get_user(s, ACCOUNTS["admin"][0])))  # type: ignore[attr-defined]
        rows, _n = S.list_actors(s, p.entry("leuven"), "Z01", access, limit=1)  # type: ignore[attr-defined]
    return rows[0].id


def _plan(served: Served) -> dict[str, int]:
    """The example plan in Z01: its id, an action's and an indicator's."""
    from mesocare.services.platform import accounts as A
    from mesocare.services.platform import plan_progress as G
    from mesocare.services.platform import plans as P
    from mesocare.services.platform.demo_plan import build_example_plan
    from mesocare.services.platform.records import Ctx

    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        access = p.access(A.principal_of(A.get_user(s, ACCOUNTS["coordinator"][0])))  # type: ignore[attr-defined]
        pid = build_example_plan(s, p.entry("leuven"), "Z01", Ctx(access, "test"))  # type: ignore[attr-defined]
        item = next(i.id for i in P.items(s, pid) if i.level == "action")
        indicator = G.indicators(s, pid)[0].id
    return {"plan": pid, "item": item, "indicator": indicator}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_page_renders(client: TestClient, served: Served, recorded, lang: str) -> None:
    login(client, ACCOUNTS["admin"][0])
    client.cookies.set("mc_lang", lang)
    from mesocare.services.platform import accounts as A

    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        A.set_language(s, A.get_user(s, ACCOUNTS["admin"][0]).id, lang, request_id="test")
    actor = _actor(served)
    ids = _plan(served)
    for path in PAGES:
        r = client.get(path.format(actor=actor, **ids))
        assert r.status_code == (404 if path == "/nowhere" else 200), path
        html = r.text
        assert f'<html lang="{lang}"' in html, path
        assert "<title>" in html and "<h1>" in html, path
        assert not re.search(r"\{\{|\{%|Traceback|Undefined", html), path
    for template, page in recorded:
        assert dataclasses.is_dataclass(page), template
        from mesocare.web.render import Page

        assert isinstance(page, Page), template


def test_every_template_is_rendered(client: TestClient, served: Served, recorded) -> None:
    login(client, ACCOUNTS["admin"][0])
    actor = _actor(served)
    ids = _plan(served)
    for path in PAGES:
        client.get(path.format(actor=actor, **ids))
    from mesocare.services.platform import accounts as A

    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        A.create_user(s, "nobody@test.mesocare.org", PASSWORD, by=None, request_id="test")
    client.cookies.clear()
    login(client, "nobody@test.mesocare.org")
    r = client.get("/")  # no role anywhere: the list of territories, empty, says whom to ask
    assert r.status_code == 200 and "coordinator" in r.text
    rendered = {t for t, _p in recorded} | {"login.html.j2"}
    folder = files("mesocare.web").joinpath("templates")
    templates = {
        p.name
        for p in folder.iterdir()  # type: ignore[attr-defined]
        if p.name.endswith(".j2") and not p.name.startswith("_") and p.name != "layout.html.j2"
    }
    assert templates <= rendered, f"templates no page renders: {sorted(templates - rendered)}"


def test_a_page_in_the_browsers_language(client: TestClient) -> None:
    r = client.get("/login", headers={"accept-language": "fr-BE,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr"' in r.text
    r = client.get("/login", headers={"accept-language": "de-DE, nl;q=0.4"})
    assert '<html lang="nl"' in r.text
