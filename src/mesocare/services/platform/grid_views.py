"""Views of the analysis grid: the matrix of cases × dimensions, the difference between two
versions of a case, the flat table for qualitative comparative analysis (one row per case, one
column per dimension; CSV and XLSX are written from the same :class:`Matrix`), and the cells the
engines can propose for a case attached to a zone (population and size class from the territory,
funding from the financing rules, indicators from the diagnosis) for the user to accept."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from mesocare.financing import cpts as CPTS
from mesocare.financing.parameters import load_cpts, load_zorgraad
from mesocare.i18n import _, fmt_eur, fmt_int, fmt_number
from mesocare.organisation.grid import CaseKind, Cell, Dimension, Engine, Evidence
from mesocare.services.diagnosis import ZoneDiagnosis
from mesocare.services.platform import grid as G
from mesocare.services.platform.plan_needs import worse_findings
from mesocare.store.models_grid import GridCase, GridCaseVersion


@dataclass
class Matrix:
    """Cases (rows) × the union of their dimensions (columns), in the template's order."""

    columns: list[Dimension]
    cases: list[GridCase]
    versions: list[GridCaseVersion]
    cells: list[dict[str, Cell]] = field(default_factory=list)

    def text(self, row: int, key: str) -> str:
        c = self.cells[row].get(key)
        return c.text if c else ""


def matrix(s: Session, cases: list[GridCase]) -> Matrix:
    cols: list[Dimension] = []
    seen: set[str] = set()
    vs, cells = [], []
    for c in cases:
        v = G.case_version(s, c)
        vs.append(v)
        cells.append(G.cells_of(v))
        for d in G.dimensions_of(s, v):
            if d.key not in seen and (not d.retired or d.key in cells[-1]):
                seen.add(d.key)
                cols.append(d)
    return Matrix(cols, cases, vs, cells)


def flat_rows(m: Matrix, lang: str) -> list[list[str]]:
    """The flat table: a header, then one row per case (its id, title, kind, zone, tags, dated
    version, then each dimension's text)."""
    head = ["case_id", "title", "kind", "zone", "tags", "version", "dated"]
    out = [head + [d.key for d in m.columns]]
    for i, c in enumerate(m.cases):
        v = m.versions[i]
        zone = f"{c.territory}/{c.zone_code}" if c.zone_code else ""
        out.append(
            [str(c.id), c.title, c.kind, zone, ";".join(c.tags), str(v.number), v.dated.isoformat()]
            + [m.text(i, d.key) for d in m.columns]
        )
    return out


def flat_csv(m: Matrix, lang: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(flat_rows(m, lang))
    return buf.getvalue().encode("utf-8")


def xlsx(m: Matrix, lang: str) -> bytes:
    """Sheet "matrix": dimensions as rows, cases as columns (as the page shows them); sheet "flat":
    the flat table."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "matrix"
    ws.append([_("Dimension")] + [c.title for c in m.cases])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for d in m.columns:
        ws.append([d.label.get(lang)] + [m.text(i, d.key) for i in range(len(m.cases))])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 28
    for i in range(len(m.cases)):
        ws.column_dimensions[chr(ord("B") + i % 25)].width = 45
    flat = wb.create_sheet("flat")
    for r in flat_rows(m, lang):
        flat.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----- differences -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    after: str
    evidence_before: int
    evidence_after: int


def diff(s: Session, a: GridCaseVersion, b: GridCaseVersion, lang: str) -> list[Change]:
    """The dimensions whose text or evidence differ from version ``a`` to version ``b``."""
    ca, cb = G.cells_of(a), G.cells_of(b)
    labels = {d.key: d.label.get(lang) for d in G.dimensions_of(s, a)}
    labels.update({d.key: d.label.get(lang) for d in G.dimensions_of(s, b)})
    out = []
    for key, label in labels.items():
        x, y = ca.get(key, Cell()), cb.get(key, Cell())
        if x != y:
            out.append(Change(key, label, x.text, y.text, len(x.evidence), len(y.evidence)))
    return out


# ----- proposals from the engines ---------------------------------------------------------------
def _population(d: ZoneDiagnosis) -> int | None:
    f = d.finding("population", "population")
    return int(f.value) if f and f.value is not None else None


def proposals(case: GridCase, dims: list[Dimension], d: ZoneDiagnosis | None) -> dict[str, Cell]:
    """What the engines say for the case's dimensions that have an engine (nothing for a case not
    attached to a zone, or before the zone's diagnosis is computed)."""
    if d is None or not case.zone_code:
        return {}
    out: dict[str, Cell] = {}
    pop = _population(d)
    for dim in dims:
        if dim.retired or dim.engine is None:
            continue
        if dim.engine == Engine.POPULATION and pop is not None:
            klass = CPTS.size_class(pop, load_cpts())
            out[dim.key] = Cell(
                text=_(
                    "{zone} ({code}), in {region}: {population} inhabitants ({year}), {areas} "
                    "areas; CPTS size class {klass}."
                ).format(
                    zone=d.zone.name,
                    code=d.zone.code,
                    region=d.region.name,
                    population=fmt_int(pop),
                    year=d.reference_year,
                    areas=d.areas,
                    klass=klass,
                ),
                evidence=[
                    Evidence(
                        kind="finding",
                        indicator_id="population",
                        unit_code=d.zone.code,
                        label=_("population"),
                    )
                ],
            )
        elif dim.engine == Engine.FUNDING and pop is not None:
            text = _funding(case, pop)
            if text:
                out[dim.key] = Cell(text=text)
        elif dim.engine == Engine.INDICATORS:
            worse = worse_findings(d)
            if worse:
                lines = [
                    _("{indicator}: {value} {unit} (region: {region})").format(
                        indicator=_(
                            next(
                                (x.label for x in d.definitions if x.id == f.indicator_id),
                                f.indicator_id,
                            )
                        ),
                        value=fmt_number(f.value),
                        unit=_(f.unit),
                        region=fmt_number(f.region_value),
                    )
                    for _theme, f in worse[:8]
                ]
                head = _("Significantly worse than the region in the zone diagnosis:")
                out[dim.key] = Cell(
                    text="\n".join([head, *lines]),
                    evidence=[
                        Evidence(kind="finding", indicator_id=f.indicator_id, unit_code=f.unit_code)
                        for _theme, f in worse[:8]
                    ],
                )
    return out


def _funding(case: GridCase, population: int) -> str:
    if case.kind == CaseKind.CPTS:
        params = load_cpts()
        klass = CPTS.size_class(population, params)
        return _(
            "Under the ACI CPTS rules, a territory of {population} inhabitants is size class "
            "{klass}: a functioning grant of {eur} a year ({source})."
        ).format(
            population=fmt_int(population),
            klass=klass,
            eur=fmt_eur(params.functioning_grant.eur_per_year[klass]),  # type: ignore[index]
            source=params.functioning_grant.source,
        )
    if case.kind == CaseKind.FLEMISH_ZONE:
        z = load_zorgraad()
        return _(
            "The Flemish government funds the zorgraad; a yearly budget of {eur} is shared among "
            "the zones by need ({source}; see mesocare fund zorgraad)."
        ).format(
            eur=fmt_eur(z.grant.budget_eur_per_year.value),
            source=z.grant.budget_eur_per_year.source,
        )
    return ""
