"""Accounts: users, their grants, login sessions and API tokens.

Passwords are hashed with argon2id (pwdlib). A session or token is a random secret given to the
client once; the database holds only its SHA-256, so a copy of the database logs no one in. A new
session is made at every login; logout revokes it; a disabled user's sessions and tokens stop
working at their next request. Failed logins are counted per address and per client: beyond
:data:`MAX_FAILURES` in :data:`THROTTLE_WINDOW` the login is refused before the password is checked.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pwdlib import PasswordHash
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Row,
    Select,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from mesocare.errors import (
    AuthenticationError,
    MesocareError,
    NotFoundError,
    PermissionDeniedError,
    ThrottledError,
    ValidationError,
)
from mesocare.i18n import _
from mesocare.organisation.roles import Grant, Role, Scope, role_label
from mesocare.organisation.users import Email, Password, UserPublic
from mesocare.services.platform import audit
from mesocare.services.platform.access import Access, Principal
from mesocare.store.models import ApiToken, LoginAttempt, RoleGrant, User, WebSession

SESSION_LIFETIME = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
#: failures from one client address (several people may share one)
MAX_CLIENT_FAILURES = 30
TOKEN_PREFIX = "mc_"

_hasher = PasswordHash.recommended()
_email = TypeAdapter(Email)
_password = TypeAdapter(Password)
#: checked against when the e-mail is unknown, so both cases take the same time
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_email(text: str) -> str:
    try:
        return _email.validate_python(text)
    except PydanticError:
        raise ValidationError(
            _("not an e-mail address"), column="email", expected="name@example.org"
        ) from None


def check_password(text: str) -> str:
    try:
        return _password.validate_python(text)
    except PydanticError:
        raise ValidationError(
            _("the password is too short or too long"),
            column="password",
            expected=_("10 to 200 characters"),
        ) from None


def grant_of(g: RoleGrant) -> Grant:
    return Grant(id=g.id, role=Role(g.role), scope=Scope(territory=g.territory, unit=g.unit))


def principal_of(u: User) -> Principal:
    return Principal(
        user_id=u.id,
        email=u.email,
        grants=tuple(grant_of(g) for g in u.grants),
        language=u.language,
        display_name=u.display_name,
    )


def public(u: User) -> UserPublic:
    return UserPublic(
        id=u.id,
        email=u.email,
        display_name=u.display_name,
        language=u.language,
        disabled=u.disabled,
        created_at=u.created_at,
        grants=[grant_of(g) for g in u.grants],
    )


def _user_json(u: User) -> dict[str, object]:
    return {
        "email": u.email,
        "display_name": u.display_name,
        "language": u.language,
        "disabled": u.disabled,
    }


def get_user(s: Session, email: str) -> User:
    u = s.scalar(select(User).where(User.email == check_email(email)))
    if u is None:
        raise NotFoundError(_("no user '{email}'").format(email=email.strip().lower()))
    return u


def create_user(
    s: Session,
    email: str,
    password: str,
    *,
    by: Principal | None,
    request_id: str,
    display_name: str | None = None,
    language: str | None = None,
) -> User:
    email = check_email(email)
    if s.scalar(select(User.id).where(User.email == email)) is not None:
        raise MesocareError(_("a user '{email}' exists already").format(email=email))
    u = User(
        email=email,
        password_hash=_hasher.hash(check_password(password)),
        display_name=display_name,
        language=language,
        disabled=False,
    )
    s.add(u)
    s.flush()
    audit.record(s, by, request_id, "create", "user", u.id, after=_user_json(u))
    return u


def list_users(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.email)))


def set_disabled(
    s: Session, email: str, disabled: bool, *, by: Principal | None, request_id: str
) -> User:
    u = get_user(s, email)
    before = _user_json(u)
    u.disabled = disabled
    if disabled:
        s.execute(
            update(WebSession)
            .where(WebSession.user_id == u.id, WebSession.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
    audit.record(s, by, request_id, "update", "user", u.id, before=before, after=_user_json(u))
    return u


def set_language(s: Session, user_id: int, language: str | None, *, request_id: str) -> None:
    u = s.get(User, user_id)
    if u is None:
        raise NotFoundError(_("no such user"))
    if language not in (None, "nl", "fr", "en"):
        raise ValidationError(_("unknown language"), column="language", found=language)
    before = _user_json(u)
    u.language = language
    audit.record(
        s, principal_of(u), request_id, "update", "user", u.id, before=before, after=_user_json(u)
    )


def change_password(s: Session, user_id: int, current: str, new: str, *, request_id: str) -> None:
    u = s.get(User, user_id)
    if u is None or not _hasher.verify(current, u.password_hash):
        raise AuthenticationError(_("the current password is wrong"))
    u.password_hash = _hasher.hash(check_password(new))
    audit.record(s, principal_of(u), request_id, "update", "user", u.id, note="password changed")


# ----- grants --------------------------------------------------------------------------------
def grant(
    s: Session,
    email: str,
    role: Role | str,
    scope: Scope,
    *,
    access: Access | None,
    request_id: str,
) -> RoleGrant:
    """Give ``role`` on ``scope`` to a user; ``access`` None is the command line's own authority."""
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            _("unknown role"), column="role", found=str(role), expected=", ".join(Role)
        ) from None
    if access is not None and not access.can_grant(role, scope):
        raise PermissionDeniedError(
            _("you may not grant the role {role} on {scope}").format(
                role=role_label(role), scope=scope.label()
            )
        )
    u = get_user(s, email)
    for g in u.grants:
        if g.role == role and g.territory == scope.territory and g.unit == scope.unit:
            return g
    g = RoleGrant(
        user_id=u.id,
        role=role.value,
        territory=scope.territory,
        unit=scope.unit,
        granted_by=access.principal.user_id if access and access.principal else None,
    )
    u.grants.append(g)
    s.flush()
    audit.record(
        s,
        access.principal if access else None,
        request_id,
        "create",
        "grant",
        g.id,
        territory=scope.territory,
        zone=scope.unit,
        after={"user": u.email, "role": role.value, "scope": scope.label()},
    )
    return g


def revoke(s: Session, grant_id: int, *, access: Access | None, request_id: str) -> None:
    g = s.get(RoleGrant, grant_id)
    if g is None:
        raise NotFoundError(_("no role grant {id}").format(id=grant_id))
    scope = Scope(territory=g.territory, unit=g.unit)
    if access is not None and not access.can_grant(Role(g.role), scope):
        raise PermissionDeniedError(
            _("you may not revoke the role {role} on {scope}").format(
                role=role_label(g.role), scope=scope.label()
            )
        )
    before = {"user": g.user.email, "role": g.role, "scope": scope.label()}
    s.delete(g)
    audit.record(
        s,
        access.principal if access else None,
        request_id,
        "delete",
        "grant",
        grant_id,
        territory=scope.territory,
        zone=scope.unit,
        before=before,
    )


def revoke_matching(s: Session, email: str, role: str, scope: Scope, *, request_id: str) -> int:
    """The command line's revoke: the user's grant of ``role`` on ``scope``."""
    u = get_user(s, email)
    ids = [
        g.id
        for g in u.grants
        if g.role == role and g.territory == scope.territory and g.unit == scope.unit
    ]
    if not ids:
        raise NotFoundError(
            _("{email} holds no role {role} on {scope}").format(
                email=u.email, role=role_label(role), scope=scope.label()
            )
        )
    for i in ids:
        revoke(s, i, access=None, request_id=request_id)
    return len(ids)


def members(s: Session, territory: str, units: set[str]) -> list[tuple[RoleGrant, User]]:
    """Grants on any of ``units`` of ``territory``, with their users."""
    rows = s.execute(
        select(RoleGrant, User)
        .join(User, RoleGrant.user_id == User.id)
        .where(RoleGrant.territory == territory, RoleGrant.unit.in_(units))
        .order_by(User.email, RoleGrant.id)
    )
    return [(g, u) for g, u in rows.tuples()]


# ----- login, sessions and tokens --------------------------------------------------------------
def authenticate(s: Session, email: str, password: str, client: str) -> User:
    """The user with this e-mail and password, unless throttled; the caller counts a failure
    with :func:`record_failure`."""
    email = email.strip().lower()[:254]
    since = _now() - THROTTLE_WINDOW
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since)
    by_email = s.scalar(recent.where(LoginAttempt.email == email)) or 0
    by_client = s.scalar(recent.where(LoginAttempt.client == client[:100])) or 0
    if by_email >= MAX_FAILURES or by_client >= MAX_CLIENT_FAILURES:
        raise ThrottledError(
            _("too many failed logins; try again in {minutes} minutes").format(
                minutes=int(THROTTLE_WINDOW.total_seconds() // 60)
            )
        )
    u = s.scalar(select(User).where(User.email == email))
    ok = _hasher.verify(password, u.password_hash if u else _DUMMY_HASH)
    if u is None or not ok or u.disabled:
        raise AuthenticationError(_("wrong e-mail address or password"))
    s.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    return u


def record_failure(s: Session, email: str, client: str) -> None:
    """Count a failed login (in its own transaction: the failed one is rolled back)."""
    s.add(LoginAttempt(email=email.strip().lower()[:254], client=client[:100]))


def open_session(s: Session, user: User) -> tuple[str, str]:
    """A new session for ``user``: (the cookie's secret, the CSRF token)."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    s.add(
        WebSession(
            token_hash=_digest(secret),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=_now() + SESSION_LIFETIME,
        )
    )
    return secret, csrf


def _lookup(credential: FromClause, *columns: ColumnElement[Any]) -> Select[Any]:
    """The user of a credential (by its digest), one row per grant (or one with no grant): the
    principal in one query, without loading ORM objects (this runs on every request)."""
    u, g = User.__table__.c, RoleGrant.__table__.c
    return (
        select(
            u.id,
            u.email,
            u.display_name,
            u.language,
            u.disabled,
            g.id.label("grant_id"),
            g.role,
            g.territory,
            g.unit,
            *columns,
        )
        .select_from(
            credential.join(User.__table__, credential.c.user_id == u.id).outerjoin(
                RoleGrant.__table__, g.user_id == u.id
            )
        )
        .where(credential.c.token_hash == bindparam("digest"))
        .order_by(g.id)
    )


_WS, _TOKENS = WebSession.__table__, ApiToken.__table__
_SESSION_LOOKUP = _lookup(_WS, _WS.c.csrf_token, _WS.c.expires_at, _WS.c.revoked_at)
_TOKEN_LOOKUP = _lookup(_TOKENS, _TOKENS.c.revoked_at)


def _principal_of_rows(rows: Sequence[Row[Any]]) -> Principal:
    r = rows[0]
    return Principal(
        user_id=r.id,
        email=r.email,
        grants=tuple(
            Grant(id=x.grant_id, role=Role(x.role), scope=Scope(territory=x.territory, unit=x.unit))
            for x in rows
            if x.grant_id is not None
        ),
        language=r.language,
        display_name=r.display_name,
    )


def session_principal(s: Session, secret: str) -> tuple[Principal, str] | None:
    """The user of a live session and its CSRF token, or None."""
    rows = s.execute(_SESSION_LOOKUP, {"digest": _digest(secret)}).all()
    if not rows:
        return None
    r = rows[0]
    if r.revoked_at is not None or r.expires_at <= _now() or r.disabled:
        return None
    return _principal_of_rows(rows), r.csrf_token


def close_session(s: Session, secret: str) -> None:
    s.execute(
        update(WebSession)
        .where(WebSession.token_hash == _digest(secret), WebSession.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def new_token(s: Session, email: str, *, request_id: str) -> str:
    """A new API token for the user, returned once; the database keeps its hash."""
    u = get_user(s, email)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    t = ApiToken(token_hash=_digest(token), user_id=u.id)
    s.add(t)
    s.flush()
    audit.record(s, None, request_id, "create", "token", t.id, after={"user": u.email})
    return token


def token_principal(s: Session, token: str) -> Principal | None:
    """The user of a valid API token, or None."""
    rows = s.execute(_TOKEN_LOOKUP, {"digest": _digest(token)}).all()
    if not rows or rows[0].revoked_at is not None or rows[0].disabled:
        return None
    return _principal_of_rows(rows)
