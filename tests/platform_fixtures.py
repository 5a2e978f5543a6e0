"""A served platform for tests: the default synthetic territory (its diagnoses computed once per
session), a database per test (SQLite, or PostgreSQL through ``db_url``'s parameter), and one
account per role, with known passwords and tokens."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "correct horse battery"
TERRITORY = "leuven"
#: (email, role, scope unit): one account per role; "other" coordinates another zone
ACCOUNTS: dict[str, tuple[str, str, str | None]] = {
    "admin": ("admin@test.mesocare.org", "admin", None),
    "analyst": ("analyst@test.mesocare.org", "analyst", "R1"),
    "coordinator": ("coordinator@test.mesocare.org", "coordinator", "Z01"),
    "member": ("member@test.mesocare.org", "member", "Z01"),
    "viewer": ("viewer@test.mesocare.org", "viewer", "Z01"),
    "other": ("other@test.mesocare.org", "coordinator", "Z02"),
}


@pytest.fixture(scope="session")
def platform_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the Leuven-like territory and its diagnoses in the platform's cache."""
    from mesocare.services.diagnosis import diagnose_zones
    from mesocare.services.platform.territories import load_territories, write_diagnoses
    from mesocare.territory import save_territory
    from mesocare.territory.synthetic import generate

    root = tmp_path_factory.mktemp("platform")
    save_territory(generate("leuven"), root / TERRITORY)
    entry = load_territories(root)[TERRITORY]
    write_diagnoses(diagnose_zones(entry.territory, workers=2), entry.cache_file)
    return root


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database of one test: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    return request.getfixturevalue("fresh_postgres_url")


@dataclass
class Served:
    platform: object
    tokens: dict[str, str]
    emails: dict[str, str]


def make_platform(data: Path, url: str, tmp: Path) -> Served:
    from mesocare.organisation.roles import Scope
    from mesocare.services.platform import Platform
    from mesocare.services.platform import accounts as A

    folder = tmp / "data"
    if not folder.exists():
        folder.mkdir(parents=True)
        (folder / TERRITORY).symlink_to(data / TERRITORY)
        shutil.copytree(data / ".mesocare-cache", folder / ".mesocare-cache")
    p = Platform(folder, url)
    p.start()
    assert p.wait(60), "background work did not finish"
    tokens: dict[str, str] = {}
    with p.session(write=True) as s:
        for key, (email, role, unit) in ACCOUNTS.items():
            A.create_user(s, email, PASSWORD, by=None, request_id="test", display_name=key)
            scope = Scope() if unit is None else Scope(territory=TERRITORY, unit=unit)
            A.grant(s, email, role, scope, access=None, request_id="test")
    with p.session(write=True) as s:
        for key, (email, _r, _u) in ACCOUNTS.items():
            tokens[key] = A.new_token(s, email, request_id="test")
    return Served(p, tokens, {k: v[0] for k, v in ACCOUNTS.items()})


@pytest.fixture
def served(platform_data: Path, tmp_path: Path) -> Iterator[Served]:
    """A platform on SQLite with an account per role."""
    s = make_platform(platform_data, f"sqlite:///{tmp_path / 'records.db'}", tmp_path)
    yield s
    s.platform.close()  # type: ignore[attr-defined]


@pytest.fixture
def served_any(platform_data: Path, db_url: str, tmp_path: Path) -> Iterator[Served]:
    """As ``served``, once on SQLite and once on PostgreSQL."""
    s = make_platform(platform_data, db_url, tmp_path)
    yield s
    s.platform.close()  # type: ignore[attr-defined]


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Log a TestClient in through the login form; returns the response of the post."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )
    return r
