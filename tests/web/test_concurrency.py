"""50 API clients edit one actor at once: every accepted write has its own version, the final
state is one of the accepted writes, the audit log holds every accepted write, nothing is lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from tests.web.conftest import Live

CLIENTS = 50


@pytest.mark.postgres
def test_fifty_clients_edit_one_actor(live_any: Live) -> None:
    admin = {"Authorization": f"Bearer {live_any.served.tokens['admin']}"}
    coord = {"Authorization": f"Bearer {live_any.served.tokens['coordinator']}"}
    with httpx.Client(base_url=live_any.url, headers=admin, timeout=60) as c:
        r = c.get("/api/v1/territories/leuven/zones/Z01/actors", params={"limit": 1})
        actor = r.json()["items"][0]
    aid, v0 = actor["id"], actor["version"]

    def edit(i: int) -> tuple[int, int, dict]:
        # each client reads the actor then writes its own value on the version it read
        headers = admin if i % 2 else coord
        with httpx.Client(base_url=live_any.url, headers=headers, timeout=60) as c:
            for _attempt in range(3):
                seen = c.get(f"/api/v1/actors/{aid}").json()["version"]
                r = c.patch(
                    f"/api/v1/actors/{aid}",
                    json={"version": seen, "contact": f"client-{i}@example.org"},
                )
                if r.status_code != 409:
                    break
            return i, r.status_code, r.json()

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(edit, range(CLIENTS)))
    codes = {code for _i, code, _b in results}
    assert codes <= {200, 409}, f"unexpected answers: {codes}"
    accepted = [(i, b) for i, code, b in results if code == 200]
    assert accepted, "no write was accepted"
    versions = [b["version"] for _i, b in accepted]
    assert len(set(versions)) == len(versions), "two accepted writes got the same version"
    assert sorted(versions) == list(range(v0 + 1, v0 + 1 + len(versions)))
    with httpx.Client(base_url=live_any.url, headers=admin, timeout=60) as c:
        final = c.get(f"/api/v1/actors/{aid}").json()
        history = c.get(f"/api/v1/actors/{aid}/history").json()
    last = max(accepted, key=lambda ib: ib[1]["version"])
    assert final["version"] == last[1]["version"]
    assert final["contact"] == f"client-{last[0]}@example.org"
    updates = [h for h in history if h["action"] == "update"]
    assert len(updates) == len(accepted)
    assert sorted(h["after"]["version"] for h in updates) == sorted(versions)
    by_version = {b["version"]: f"client-{i}@example.org" for i, b in accepted}
    for h in updates:  # each audit row is the write that was accepted with that version
        assert h["after"]["contact"] == by_version[h["after"]["version"]]
        assert h["before"]["version"] == h["after"]["version"] - 1
