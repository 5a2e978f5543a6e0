"""The web app in-process (TestClient) and served for real by uvicorn on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.platform_fixtures import Served


@pytest.fixture
def app(served: Served):  # type: ignore[no-untyped-def]
    from mesocare.web.app import create_app

    return create_app(served.platform)  # type: ignore[arg-type]


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@dataclass
class Live:
    url: str
    served: Served


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(served: Served) -> Iterator[Live]:
    import uvicorn

    from mesocare.web.app import create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(served.platform),  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        pytest.fail("the test server did not start")
    try:
        yield Live(url, served)
    finally:
        server.should_exit = True
        t.join(10)


@pytest.fixture
def live(served: Served) -> Iterator[Live]:
    """The platform on SQLite, served by uvicorn."""
    yield from serve(served)


@pytest.fixture
def live_any(served_any: Served) -> Iterator[Live]:
    """The platform served by uvicorn, once on SQLite and once on PostgreSQL."""
    yield from serve(served_any)
