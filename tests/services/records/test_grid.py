"""The analysis grid as records: template versions that stay as a case used them, dated case
versions and their differences, evidence documents, who reads and edits a case (attached to a zone
or not), proposals from the engines, and the matrix that the XLSX and flat table repeat."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from tests.platform_fixtures import ACCOUNTS, Served

from mesocare.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedTypeError,
    ValidationError,
)
from mesocare.organisation.grid import CaseCreate, CaseKind, Cell, CellsUpdate, Evidence
from mesocare.organisation.templates import Labels
from mesocare.services.platform import accounts as A
from mesocare.services.platform import grid as G
from mesocare.services.platform import grid_views as V
from mesocare.services.platform.plan_needs import worse_findings
from mesocare.services.platform.records import Ctx


def ctx(served: Served, role: str) -> Ctx:
    p = served.platform
    with p.session() as s:  # type: ignore[attr-defined]
        principal = A.principal_of(A.get_user(s, ACCOUNTS[role][0]))
    return Ctx(p.access(principal), f"test-{role}")  # type: ignore[attr-defined]


def default_id(served: Served) -> int:
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        return G.ensure_default(s, ctx(served, "viewer")).id


def new_case(
    served: Served, role: str = "coordinator", zone: str | None = "Z01", **kw: object
) -> int:
    tid = default_id(served)
    p = served.platform
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        data = CaseCreate(
            title=str(kw.pop("title", "Case")),
            template_id=tid,
            territory="leuven" if zone else None,
            zone_code=zone,
            **kw,  # type: ignore[arg-type]
        )
        return G.create_case(s, data, ctx(served, role), p.entry("leuven")).id  # type: ignore[attr-defined]


def save(served: Served, case_id: int, role: str = "coordinator", **texts: str) -> int:
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        c = G.get_case(s, case_id, ctx(served, role).access)
        cells = {k: Cell(text=t) for k, t in texts.items()}
        return G.save_cells(
            s, case_id, CellsUpdate(version=c.version, cells=cells), ctx(served, role)
        ).number


def test_template_versions_keep_old_cases_readable(served: Served) -> None:
    cid = new_case(served)
    save(served, cid, values="Solidarity", governance="A board of twelve")
    p = served.platform
    admin = ctx(served, "admin")
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        t = G.get_template(s, default_id(served), admin.access)
        tv = G.rename_dimension(
            s,
            t.id,
            t.version,
            "values",
            Labels(en="Shared values", nl="Gedeelde waarden", fr="Valeurs partagées"),
            admin,
        )
        assert tv.number == 2  # version 1 is used by the case: a new version
        t = G.get_template(s, t.id, admin.access)
        tv = G.retire_dimension(s, t.id, t.version, "governance", admin)
        assert tv.number == 2  # version 2 is used by no case yet: changed in place
        t = G.get_template(s, t.id, admin.access)
        G.add_dimension(
            s,
            t.id,
            t.version,
            Labels(en="Patient voice", nl="Stem van de patiënt", fr="Voix du patient"),
            Labels(en="How?", nl="Hoe?", fr="Comment ?"),
            admin,
        )
    with p.session() as s:  # type: ignore[attr-defined]
        c = G.get_case(s, cid, admin.access)
        v = G.case_version(s, c)
        dims = {d.key: d for d in G.dimensions_of(s, v)}
        assert dims["values"].label.en == "Values"  # as it was filled
        assert not dims["governance"].retired and "patient_voice" not in dims
        assert G.cells_of(v)["governance"].text == "A board of twelve"
        latest = {d.key: d for d in G.dimensions(G.template_version(s, c.template_id))}
        assert latest["values"].label.fr == "Valeurs partagées"
        assert latest["governance"].retired and "patient_voice" in latest
    # a case moved to the latest version keeps its retired dimension's text, takes the new one
    with p.session(write=True) as s:  # type: ignore[attr-defined]
        c = G.get_case(s, cid, admin.access)
        v = G.save_cells(
            s,
            cid,
            CellsUpdate(
                version=c.version,
                upgrade_template=True,
                cells={"patient_voice": Cell(text="A patient panel")},
            ),
            ctx(served, "coordinator"),
        )
        assert G.cells_of(v)["governance"].text == "A board of twelve"
        assert {d.key for d in G.dimensions_of(s, v)} >= {"patient_voice", "governance"}
        c = G.get_case(s, cid, admin.access)
        with pytest.raises(ValidationError):  # a retired dimension takes no new text
            G.save_cells(
                s,
                cid,
                CellsUpdate(version=c.version, cells={"governance": Cell(text="x")}),
                ctx(served, "coordinator"),
            )


def test_only_author_and_admins_edit_a_template(served: Served) -> None:
    tid = default_id(served)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        t = G.get_template(s, tid, ctx(served, "coordinator").access)
        with pytest.raises(PermissionDeniedError):  # the project's default: admins only
            G.retire_dimension(s, tid, t.version, "values", ctx(served, "coordinator"))
        mine = G.copy_template(s, tid, "Our grid", ctx(served, "member"))
        v0 = mine.version
        G.retire_dimension(s, mine.id, v0, "values", ctx(served, "member"))
        with pytest.raises(PermissionDeniedError):
            G.retire_dimension(s, mine.id, v0 + 1, "failures", ctx(served, "viewer"))
        with pytest.raises(ConflictError):  # stale version
            G.retire_dimension(s, mine.id, v0, "failures", ctx(served, "member"))


def test_case_versions_and_their_difference(served: Served) -> None:
    cid = new_case(served)
    assert save(served, cid, values="Solidarity", missions="Care for the frail") == 2
    assert save(served, cid, missions="Care for the frail and for carers", funding="") == 3
    with served.platform.session() as s:  # type: ignore[attr-defined]
        c = G.get_case(s, cid, ctx(served, "viewer").access)
        vs = G.versions(s, cid)
        assert [v.number for v in vs] == [1, 2, 3]
        changes = V.diff(s, vs[1], vs[2], "en")
        assert [(x.key, x.before, x.after) for x in changes] == [
            ("missions", "Care for the frail", "Care for the frail and for carers")
        ]
        assert G.cells_of(G.case_version(s, c, 2))["missions"].text == "Care for the frail"
        with pytest.raises(ConflictError):
            G.save_cells(
                s, cid, CellsUpdate(version=c.version - 1, cells={}), ctx(served, "coordinator")
            )
        with pytest.raises(ValidationError):
            G.save_cells(
                s,
                cid,
                CellsUpdate(version=c.version, cells={"nope": Cell(text="x")}),
                ctx(served, "coordinator"),
            )


def test_evidence_documents_are_checked_and_belong_to_the_case(served: Served) -> None:
    a, b = new_case(served), new_case(served, title="Other")
    co = ctx(served, "coordinator")
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedTypeError):
            G.add_document(s, a, "x.pdf", "application/pdf", b"not a pdf", co)
        with pytest.raises(UnsupportedTypeError):
            G.add_document(s, a, "x.exe", "application/x-msdownload", b"MZ", co)
        doc = G.add_document(s, b, "minutes.txt", "text/plain", b"minutes", co)
        c = G.get_case(s, a, co.access)
        cell = Cell(
            text="See the minutes", evidence=[Evidence(kind="document", document_id=doc.id)]
        )
        with pytest.raises(ValidationError):
            G.save_cells(s, a, CellsUpdate(version=c.version, cells={"governance": cell}), co)
        ok = G.add_document(s, a, "minutes.txt", "text/plain", b"minutes", co)
        cell = Cell(
            text="See the minutes",
            evidence=[
                Evidence(kind="document", document_id=ok.id),
                Evidence(kind="url", url="https://example.org/statutes"),  # type: ignore[arg-type]
            ],
        )
        v = G.save_cells(s, a, CellsUpdate(version=c.version, cells={"governance": cell}), co)
        assert len(G.cells_of(v)["governance"].evidence) == 2
        with pytest.raises(NotFoundError):
            G.get_document(s, ok.id, ctx(served, "other").access)


def test_who_reads_and_edits_a_case(served: Served) -> None:
    zoned = new_case(served)
    foreign = new_case(served, role="member", zone=None, title="A Dutch model", kind=CaseKind.OTHER)
    with pytest.raises(PermissionDeniedError):  # a member does not add cases to the zone
        new_case(served, role="member")
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        for role in ("viewer", "member", "coordinator", "admin"):
            G.get_case(s, zoned, ctx(served, role).access)
        for role in ("other", "analyst"):
            with pytest.raises(NotFoundError):
                G.get_case(s, zoned, ctx(served, role).access)
        for role in ("other", "analyst", "viewer"):  # a foreign model: every logged-in user reads
            G.get_case(s, foreign, ctx(served, role).access)
        for role, allowed in (
            ("member", True),
            ("admin", True),
            ("coordinator", False),
            ("other", False),
        ):
            c = G.get_case(s, foreign, ctx(served, role).access)
            if allowed:
                G.update_case(
                    s, foreign, c.version, {"tags": ["NL", "nl", " model "]}, ctx(served, role)
                )
            else:
                with pytest.raises(PermissionDeniedError):
                    G.update_case(s, foreign, c.version, {"title": "x"}, ctx(served, role))
        assert G.get_case(s, foreign, ctx(served, "viewer").access).tags == ["nl", "model"]
        with pytest.raises(PermissionDeniedError):
            G.update_case(s, zoned, 1, {"title": "x"}, ctx(served, "member"))
        names = [c.title for c in G.list_cases(s, ctx(served, "other").access)]
        assert names == ["A Dutch model"]
        assert [c.id for c in G.list_cases(s, ctx(served, "viewer").access, tag="nl")] == [foreign]


def test_proposals_from_the_engines(served: Served) -> None:
    cid = new_case(served, kind=CaseKind.CPTS)
    p = served.platform
    d = p.entry("leuven").diagnosis("Z01")  # type: ignore[attr-defined]
    assert d is not None
    pop = int(d.finding("population", "population").value)  # type: ignore[union-attr]
    with p.session() as s:  # type: ignore[attr-defined]
        c = G.get_case(s, cid, ctx(served, "coordinator").access)
        dims = G.dimensions_of(s, G.case_version(s, c))
        out = V.proposals(c, dims, d)
    assert f"{pop:,}" in out["population"].text and "CPTS size class T" in out["population"].text
    assert "functioning grant" in out["funding"].text
    worse = worse_findings(d)
    if worse:
        got = {e.indicator_id for e in out["indicators"].evidence}
        assert got == {f.indicator_id for _t, f in worse[:8]}
    else:
        assert "indicators" not in out
    assert set(out) <= {"population", "funding", "indicators"}


def test_xlsx_and_flat_table_match_the_matrix(served: Served) -> None:
    a = new_case(served, title="Zone A", tags=["flanders"])
    b = new_case(served, role="member", zone=None, title="Model B", tags=["foreign"])
    save(served, a, values='Solidarity, "quoted"; and more', prospects="Line 1\nLine 2")
    save(served, b, role="member", governance="Cooperative")
    with served.platform.session() as s:  # type: ignore[attr-defined]
        cases = G.list_cases(s, ctx(served, "coordinator").access)
        m = V.matrix(s, cases)
        book = load_workbook(io.BytesIO(V.xlsx(m, "fr")))
        rows = list(csv.reader(io.StringIO(V.flat_csv(m, "fr").decode())))
    assert [c.title for c in m.cases] == ["Model B", "Zone A"]
    sheet = book["matrix"]
    assert [c.value for c in sheet[1]][1:] == ["Model B", "Zone A"]
    for r, d in enumerate(m.columns, start=2):
        assert sheet.cell(r, 1).value == d.label.fr
        for i in range(len(m.cases)):
            assert (sheet.cell(r, 2 + i).value or "") == m.text(i, d.key)
    keys = [d.key for d in m.columns]
    assert rows[0][7:] == keys
    for i, row in enumerate(rows[1:]):
        assert row[7:] == [m.text(i, k) for k in keys]
    flat = [[c.value or "" for c in r] for r in book["flat"].iter_rows()]
    assert flat == rows
    assert m.text(1, "values") == 'Solidarity, "quoted"; and more'


def test_default_grid_is_written_in_three_languages() -> None:
    from mesocare.organisation.grid import load_grid

    g = load_grid()
    assert [d.key for d in g.dimensions] == [
        "values",
        "governance",
        "funding",
        "population",
        "missions",
        "involvement",
        "indicators",
        "successes",
        "failures",
        "obstacles",
        "facilitators",
        "prospects",
    ]
    for d in g.dimensions:
        assert d.label.en and d.label.nl and d.label.fr
        q = d.guidance
        assert q.nl != q.en and q.fr != q.en and q.nl != q.fr  # written, not copied
        assert d.guidance.en.endswith("?")


def test_dated_version(served: Served) -> None:
    cid = new_case(served)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        c = G.get_case(s, cid, ctx(served, "coordinator").access)
        v = G.save_cells(
            s,
            cid,
            CellsUpdate(version=c.version, cells={"values": Cell(text="x")}),
            ctx(served, "coordinator"),
            dated=dt.date(2024, 6, 1),
        )
        assert v.dated == dt.date(2024, 6, 1)
