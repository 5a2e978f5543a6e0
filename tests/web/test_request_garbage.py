"""A request leaves no cyclic garbage of the app's own: what it resolved (its Web: the request,
the principal, the access) is freed when it ends, not by the garbage collector's slow passes."""

from __future__ import annotations

import asyncio
import gc

from tests.platform_fixtures import TERRITORY, Served


def test_a_request_leaves_no_cycle_of_its_web(app, served: Served) -> None:  # type: ignore[no-untyped-def]
    token = served.tokens["admin"].encode()

    async def get(path: str) -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"authorization", b"Bearer " + token)],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
        }
        status: list[int] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        return status[0]

    paths = ["/api/v1/me", f"/api/v1/territories/{TERRITORY}/zones/Z01/diagnosis"]

    async def requests() -> list[int]:
        return [await get(p) for p in paths * 5]

    assert set(asyncio.run(requests())) == {200}  # first: whatever is made once
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert set(asyncio.run(requests())) == {200}
        gc.collect()
        left = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not left & {"Web", "Request", "Principal", "Access"}, left
