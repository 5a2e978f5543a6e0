"""Who a session cookie or an API token is: the same principal as the user's records say (grants
in order), and nobody once the session is closed or expired, the token revoked or the user
disabled. On SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from mesocare.organisation.roles import Scope
from mesocare.services.platform import accounts as A
from mesocare.store import Database
from mesocare.store.models import ApiToken, WebSession

PASSWORD = "correct horse battery"


pytestmark = pytest.mark.postgres


@pytest.fixture
def db(db_url: str) -> Database:
    d = Database(db_url)
    d.migrate()
    with d.session(write=True) as s:
        for email in ("a@x.org", "b@x.org"):
            A.create_user(s, email, PASSWORD, by=None, request_id="t", display_name=email[0])
        A.grant(
            s, "a@x.org", "member", Scope(territory="t", unit="Z01-N1"), access=None, request_id="t"
        )
        A.grant(
            s,
            "a@x.org",
            "coordinator",
            Scope(territory="t", unit="Z01"),
            access=None,
            request_id="t",
        )
        A.grant(
            s, "a@x.org", "viewer", Scope(territory="t", unit="Z02"), access=None, request_id="t"
        )
    return d


def _login(db: Database, email: str) -> tuple[str, str]:
    with db.session(write=True) as s:
        return A.open_session(s, A.authenticate(s, email, PASSWORD, "test"))


def test_session_and_token_name_the_user_and_its_grants(db: Database) -> None:
    secret, csrf = _login(db, "a@x.org")
    with db.session(write=True) as s:
        token = A.new_token(s, "a@x.org", request_id="t")
    with db.session() as s:
        expected = A.principal_of(A.get_user(s, "a@x.org"))
        assert A.session_principal(s, secret) == (expected, csrf)
        assert A.token_principal(s, token) == expected
        assert [g.role.value for g in expected.grants] == ["member", "coordinator", "viewer"]
        assert A.session_principal(s, "not a session") is None
        assert A.token_principal(s, "mc_not a token") is None
        assert A.token_principal(s, secret) is None  # a session is not a token


def test_a_user_without_grants(db: Database) -> None:
    secret, _csrf = _login(db, "b@x.org")
    with db.session() as s:
        found = A.session_principal(s, secret)
    assert found is not None and found[0].email == "b@x.org" and found[0].grants == ()


def test_closed_expired_revoked_and_disabled_log_no_one_in(db: Database) -> None:
    closed, _ = _login(db, "a@x.org")
    expired, _ = _login(db, "a@x.org")
    with db.session(write=True) as s:
        token = A.new_token(s, "a@x.org", request_id="t")
        revoked = A.new_token(s, "a@x.org", request_id="t")
        A.close_session(s, closed)
        s.execute(
            update(WebSession)
            .where(WebSession.token_hash == A._digest(expired))
            .values(expires_at=A._now() - timedelta(seconds=1))
        )
        s.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == A._digest(revoked))
            .values(revoked_at=A._now())
        )
    live, _ = _login(db, "a@x.org")
    with db.session() as s:
        assert A.session_principal(s, closed) is None
        assert A.session_principal(s, expired) is None
        assert A.token_principal(s, revoked) is None
        assert A.session_principal(s, live) is not None
        assert A.token_principal(s, token) is not None
    with db.session(write=True) as s:
        A.set_disabled(s, "a@x.org", True, by=None, request_id="t")
    with db.session() as s:
        assert A.session_principal(s, live) is None
        assert A.token_principal(s, token) is None
