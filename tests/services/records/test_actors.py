"""Actors as records, on SQLite and PostgreSQL: versions and conflicts, the audit trail, who may
edit what, CSV import (every row or none) and export, and a zone's backup that restores exactly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.platform_fixtures import ACCOUNTS, Served, make_platform

from mesocare.errors import ConflictError, PermissionDeniedError, ValidationError
from mesocare.organisation.actors import ActorCreate, ActorUpdate
from mesocare.services.platform import accounts as A
from mesocare.services.platform import actors as S
from mesocare.services.platform import actors_csv as CSV
from mesocare.services.platform import audit, backup

pytestmark = pytest.mark.postgres


def ctx(served: Served, role: str) -> S.Ctx:
    p = served.platform
    with p.session() as s:  # type: ignore[attr-defined]
        principal = A.principal_of(A.get_user(s, ACCOUNTS[role][0]))
    return S.Ctx(p.access(principal), f"test-{role}")  # type: ignore[attr-defined]


def new_actor(served: Served, role: str = "coordinator", **kw: object) -> int:
    p = served.platform
    data = ActorCreate(
        **{
            "name": "Huisartsenpraktijk De Linde",
            "discipline": "gp",
            "address": "Lindestraat 1, Leuven",
            **kw,
        }
    )
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        return S.create_actor(s, p.entry("leuven"), "Z01", data, ctx(served, role)).id  # type: ignore[attr-defined]


def test_edit_bumps_the_version_and_a_stale_edit_is_a_conflict(served_any: Served) -> None:
    p, c = served_any.platform, ctx(served_any, "coordinator")
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    aid = new_actor(served_any)
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        a = S.update_actor(s, entry, aid, ActorUpdate(version=1, contact="info@delinde.be"), c)
        assert (a.version, a.contact, a.name) == (
            2,
            "info@delinde.be",
            "Huisartsenpraktijk De Linde",
        )
    with pytest.raises(ConflictError) as e, p.session(write=True) as s:  # type: ignore[attr-defined]
        S.update_actor(s, entry, aid, ActorUpdate(version=1, contact="old@x.be"), c)
    assert e.value.current_version == 2
    with p.session() as s:  # type: ignore[attr-defined]
        a = S.get_actor(s, aid, c.access)
        assert (a.version, a.contact) == (2, "info@delinde.be")
        rows = audit.history(s, "actor", aid)
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[1].before["contact"] is None and rows[1].after["contact"] == "info@delinde.be"
    assert rows[1].who == ACCOUNTS["coordinator"][0] and rows[1].request_id == "test-coordinator"
    with pytest.raises(ConflictError), p.session(write=True) as s:  # type: ignore[attr-defined]
        S.delete_actor(s, aid, 1, c)
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        S.delete_actor(s, aid, 2, c)
    with p.session() as s:  # type: ignore[attr-defined]
        assert [r.action for r in audit.history(s, "actor", aid)] == ["create", "update", "delete"]


def test_members_edit_only_what_is_assigned_to_them(served_any: Served) -> None:
    p = served_any.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    mine = new_actor(served_any, assignee=ACCOUNTS["member"][0])
    theirs = new_actor(served_any)
    m = ctx(served_any, "member")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        assert (
            S.update_actor(s, entry, mine, ActorUpdate(version=1, contact="me@x.be"), m).version
            == 2
        )
    with pytest.raises(PermissionDeniedError), p.session(write=True) as s:  # type: ignore[attr-defined]
        S.update_actor(s, entry, theirs, ActorUpdate(version=1, contact="me@x.be"), m)
    with pytest.raises(PermissionDeniedError), p.session(write=True) as s:  # type: ignore[attr-defined]
        S.update_actor(s, entry, mine, ActorUpdate(version=2, assignee=ACCOUNTS["viewer"][0]), m)
    with pytest.raises(PermissionDeniedError):
        new_actor(served_any, role="viewer")


def test_a_network_must_be_one_of_the_zone(served_any: Served) -> None:
    with pytest.raises(ValidationError) as e:
        new_actor(served_any, network_code="Z02-N1")
    assert e.value.column == "network" and "Z01-N1" in str(e.value)
    aid = new_actor(served_any, network_code="Z01-N2")
    assert aid > 0


def test_coordinates_give_the_area(served_any: Served) -> None:
    p = served_any.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    with p.session() as s:  # type: ignore[attr-defined]
        rows, _n = S.list_actors(s, entry, "Z01", ctx(served_any, "admin").access, limit=1)
    known = rows[0]  # a provider of the territory: its coordinates lie in its area
    aid = new_actor(served_any, address=None, latitude=known.latitude, longitude=known.longitude)
    with p.session() as s:  # type: ignore[attr-defined]
        assert S.get_actor(s, aid, ctx(served_any, "admin").access).area_code == known.area_code


def test_csv_import_is_every_row_or_none(served_any: Served) -> None:
    p = served_any.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    c = ctx(served_any, "coordinator")
    with p.session() as s:  # type: ignore[attr-defined]
        _rows, before = S.list_actors(s, entry, "Z01", c.access)
    bad = (
        b"name;discipline;address;network\n"
        b"OCMW Leuven;social_service;Tiensestraat 1;Z01-N1\n"
        b";gp;x;\n"
        b"Apotheek;pharmacist;y;Z02-N1\n"
        b"Somewhere;gp;;\n"
    )
    with pytest.raises(ValidationError) as e, p.session(write=True) as s:  # type: ignore[attr-defined]
        CSV.import_csv(s, entry, "Z01", bad, c, file="sociale-kaart.csv")
    msg = str(e.value)
    assert "sociale-kaart.csv" in msg and "3 bad rows" in msg
    assert "row 3: name" in msg and "row 4" in msg and "row 5" in msg and "row 2" not in msg
    with p.session() as s:  # type: ignore[attr-defined]
        assert S.list_actors(s, entry, "Z01", c.access)[1] == before
    good = b"name,discipline,address,network\nOCMW Leuven,social_service,Tiensestraat 1,Z01-N1\n"
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        assert CSV.import_csv(s, entry, "Z01", good, c) == 1
    with p.session() as s:  # type: ignore[attr-defined]
        rows, n = S.list_actors(s, entry, "Z01", c.access, q="ocmw")
    assert n == 1 and rows[0].sector == "welfare" and rows[0].network_code == "Z01-N1"


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"naam,discipline\nx,gp\n", "column 'discipline'"),
        (b"name,discipline,colour\nx,gp,red\n", "column 'colour'"),
        (b"name,discipline\n", "no rows"),
    ],
)
def test_malformed_csv_is_named(served: Served, content: bytes, found: str) -> None:
    entry = served.platform.entry("leuven")  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as e:
        CSV.parse_csv(content, entry, "Z01", file="upload.csv")
    assert found in str(e.value) or found.replace("column 'discipline'", "column 'name'") in str(
        e.value
    )


TEXT = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(TEXT, min_size=1, max_size=5),
    orgs=st.lists(st.none() | TEXT, min_size=5, max_size=5),
)
def test_csv_export_reads_back_as_the_same_records(served: Served, names, orgs) -> None:
    """Whatever the names (commas, quotes, semicolons, accents), export then parse is identity."""
    from mesocare.organisation.actors import CSV_COLUMNS

    entry = served.platform.entry("leuven")  # type: ignore[attr-defined]
    recs = [
        ActorCreate(name=n, organisation=o, discipline="gp", address="Straat 1")
        for n, o in zip(names, orgs, strict=False)
    ]
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in recs:
        w.writerow(
            [r.name, r.organisation or "", r.sector, r.discipline, r.address, "", "", "", "", ""]
        )
    back = CSV.parse_csv(out.getvalue().encode(), entry, "Z01", file="x.csv")
    assert [(b.name, b.organisation) for b in back] == [(r.name, r.organisation) for r in recs]


def test_a_zone_backup_restores_identically(served_any: Served, platform_data, tmp_path) -> None:
    p = served_any.platform
    entry = p.entry("leuven")  # type: ignore[attr-defined]
    aid = new_actor(served_any, assignee=ACCOUNTS["member"][0], network_code="Z01-N3")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        S.update_actor(
            s, entry, aid, ActorUpdate(version=1, contact="x@y.be"), ctx(served_any, "coordinator")
        )
    with p.session() as s:  # type: ignore[attr-defined]
        first = backup.dumps(backup.export_zone(s, entry, "Z01"))
    # restore into a new, empty database (SQLite), then export again
    other = make_platform(platform_data, f"sqlite:///{tmp_path / 'restored.db'}", tmp_path / "r")
    q = other.platform
    records = backup.loads(first, file="zone.json")
    with q.session(write=True) as s:  # type: ignore[attr-defined]
        backup.import_zone(s, q.entry("leuven"), records, request_id="t", file="zone.json")  # type: ignore[attr-defined]
    with q.session() as s:  # type: ignore[attr-defined]
        again = backup.dumps(backup.export_zone(s, q.entry("leuven"), "Z01"))  # type: ignore[attr-defined]
    assert again == first
    with pytest.raises(ValidationError, match="not an export of a zone's records"):
        backup.loads('{"format": 1}', file="zone.json")
