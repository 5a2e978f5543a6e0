"""GP practices' enrolled patient lists: the two tables' schemas, their check, a synthetic generator.

The synthetic territory has GP practices (``providers.practice_id``) but no patients. This module
derives, from a seed, two optional tables added with ``Territory.with_tables``:

``gp_practices``: one row per practice: ``practice_id``, ``area_code``, ``network_code``,
    ``zone_code``, ``n_gps``, ``gp_fte``, ``employees`` (administrative staff),
    ``nurse_hours_per_week``, ``quality_achievement`` (0-1, for pay-for-quality) and ``patients``.
``practice_lists``: one row per practice x age band x sex x BIM x chronic status with
    ``patients`` (enrolled, i.e. with a global medical record at the practice), ``consultations``
    and ``home_visits`` in the reference year.

How (figures in ``territory/data/practice_lists.toml``, all approximate):
1. each area's residents by age band and sex hold a GMD with probability ``gmd_share``;
2. BIM status follows the area's ``bim_share`` (higher at 65+, same area mean); chronic-condition
   status follows an age-specific prevalence, higher for BIM patients;
3. each enrolled person picks a practice of their zone with probability proportional to
   ``gp_fte x exp(-distance_km / distance_decay_km)`` (distance from the area's centre);
4. GP contacts per patient and year by age (Belgium: about 4-5 per person, approximate), higher
   with chronic and BIM status, drawn Poisson; a share of them, rising with age, are home visits.

Real data (EHR extracts) can replace both tables: same columns, checked by :func:`check_tables`.
The financing engine (``financing/``) computes money from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from mesocare.errors import ValidationError
from mesocare.params import Figure, Meta, Strict, packaged_text, parse
from mesocare.territory.bundle import Territory
from mesocare.territory.columns import Column, Kind, TableSchema, check_table
from mesocare.territory.schema import AGE_BANDS, SEXES, age_band_lower

PRACTICES_TABLE = "gp_practices"
LISTS_TABLE = "practice_lists"
_SALT = 6  # keeps these draws independent of the territory generator's stream


class _Enrolment(Strict):
    gmd_share: Figure
    distance_decay_km: Figure


class _Bim(Strict):
    age_65plus_factor: Figure


class _Chronic(Strict):
    age_from: list[int] = Field(min_length=1)
    share: list[float] = Field(min_length=1)
    bim_factor: float = Field(ge=0)


class _Activity(Strict):
    age_from: list[int] = Field(min_length=1)
    contacts_per_year: list[float] = Field(min_length=1)
    chronic_factor: float = Field(ge=0)
    bim_factor: float = Field(ge=0)
    home_visit_share: list[float] = Field(min_length=1)


class _Practice(Strict):
    employees_per_gp: float = Field(ge=0)
    nurse_probability_group: float = Field(ge=0, le=1)
    nurse_probability_solo: float = Field(ge=0, le=1)
    nurse_hours_per_week_mean: float = Field(ge=0)


class ListCalibration(Strict):
    meta: Meta
    enrolment: _Enrolment
    bim: _Bim
    chronic: _Chronic
    activity: _Activity
    practice: _Practice


def load_calibration(text: str | None = None) -> ListCalibration:
    """The packaged calibration (``territory/data/practice_lists.toml``) or ``text`` (TOML)."""
    file = "mesocare:territory/data/practice_lists.toml"
    text = text or packaged_text("mesocare.territory", "data/practice_lists.toml")
    return parse(text, ListCalibration, file=file)


def _by_age(age_from: list[int], values: list[float]) -> np.ndarray:
    """The value of each of the 20 age bands from a step table."""
    lower = np.array([age_band_lower(b) for b in AGE_BANDS])
    idx = np.searchsorted(np.asarray(age_from), lower, side="right") - 1
    return np.asarray(values, dtype=float)[np.clip(idx, 0, None)]


def expected_chronic_share(
    band_counts: pd.DataFrame, bim_share: np.ndarray, cal: ListCalibration
) -> np.ndarray:
    """Expected share with chronic status per row of an area x age-band count table."""
    counts = band_counts.reindex(columns=list(AGE_BANDS), fill_value=0).to_numpy(dtype=float)
    prev = _by_age(cal.chronic.age_from, cal.chronic.share)
    p = prev[None, :] * (1 + (cal.chronic.bim_factor - 1) * np.asarray(bim_share)[:, None])
    tot = counts.sum(axis=1)
    return np.where(tot > 0, (counts * np.clip(p, 0, 1)).sum(axis=1) / np.where(tot > 0, tot, 1), 0)


def generate_lists(
    territory: Territory, *, seed: int | None = None, calibration: ListCalibration | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``gp_practices`` and ``practice_lists`` tables of ``territory`` (see module doc)."""
    cal = calibration or load_calibration()
    base_seed = seed if seed is not None else (territory.manifest.seed or 0)
    rng = np.random.default_rng([base_seed, _SALT])
    gp = territory.providers[territory.providers["discipline"] == "gp"]
    gp = gp[gp["practice_id"].notna()]
    if gp.empty:
        raise ValidationError(
            "no GP practice in the territory", file="providers", column="practice_id"
        )
    areas = territory.areas.set_index("area_code")
    prac = (
        gp.groupby("practice_id", sort=True)
        .agg(
            area_code=("area_code", "first"),
            x=("x", "mean"),
            y=("y", "mean"),
            n_gps=("provider_id", "size"),
            gp_fte=("fte", "sum"),
        )
        .reset_index()
    )
    prac["network_code"] = areas.loc[prac["area_code"], "network_code"].to_numpy()
    prac["zone_code"] = areas.loc[prac["area_code"], "zone_code"].to_numpy()
    prac["gp_fte"] = prac["gp_fte"].round(2)

    pcal = cal.practice
    group = prac["n_gps"].to_numpy() >= 2
    prac["employees"] = np.where(
        group,
        rng.binomial(prac["n_gps"].to_numpy(), pcal.employees_per_gp),
        rng.binomial(1, 0.2, len(prac)),
    ).astype(np.int64)
    p_nurse = np.where(group, pcal.nurse_probability_group, pcal.nurse_probability_solo)
    hours = np.clip(rng.normal(pcal.nurse_hours_per_week_mean, 8.0, len(prac)), 4, 38).round()
    prac["nurse_hours_per_week"] = np.where(rng.random(len(prac)) < p_nurse, hours, 0.0)
    prac["quality_achievement"] = rng.beta(5.0, 2.0, len(prac)).round(3)

    # residents: area x band x sex counts
    pop = territory.population.pivot_table(
        index="area_code",
        columns=["sex", "age_band"],
        values="count",
        aggfunc="sum",
        observed=True,
    )
    cols = pd.MultiIndex.from_product([SEXES, AGE_BANDS])
    pop = pop.reindex(index=areas.index, columns=cols, fill_value=0).fillna(0)
    counts = pop.to_numpy(dtype=np.int64).reshape(len(areas), len(SEXES), len(AGE_BANDS))
    attrs = territory.area_attributes.set_index("area_code").reindex(areas.index)
    bim_area = (
        attrs["bim_share"].fillna(0).to_numpy(dtype=float)
        if "bim_share" in attrs.columns
        else np.zeros(len(areas))
    )
    lower = np.array([age_band_lower(b) for b in AGE_BANDS])
    f_age = np.where(lower >= 65, cal.bim.age_65plus_factor.value, 1.0)
    by_band = counts.sum(axis=1).astype(float)
    mean_f = (by_band * f_age).sum(1) / np.maximum(by_band.sum(1), 1)
    p_bim = np.clip(bim_area[:, None] * f_age[None, :] / np.maximum(mean_f, 1e-9)[:, None], 0, 0.95)
    prev = _by_age(cal.chronic.age_from, cal.chronic.share)
    p_chr = np.clip(np.stack([prev, prev * cal.chronic.bim_factor]), 0, 0.95)  # [bim, band]

    enrolled = rng.binomial(counts, cal.enrolment.gmd_share.value)  # area, sex, band
    bim_n = rng.binomial(enrolled, p_bim[:, None, :])
    cells = np.zeros((len(areas), len(SEXES), len(AGE_BANDS), 2, 2), dtype=np.int64)
    for b, n_b in enumerate((enrolled - bim_n, bim_n)):
        chr_n = rng.binomial(n_b, p_chr[b][None, None, :])
        cells[..., b, 1] = chr_n
        cells[..., b, 0] = n_b - chr_n

    cent = areas.geometry.representative_point()
    ax, ay = cent.x.to_numpy(), cent.y.to_numpy()
    zone_of = areas["zone_code"].to_numpy()
    decay_m = cal.enrolment.distance_decay_km.value * 1000
    per_prac = np.zeros((len(prac), len(SEXES), len(AGE_BANDS), 2, 2), dtype=np.int64)
    for zone in sorted(set(zone_of)):
        ai = np.flatnonzero(zone_of == zone)
        pi = np.flatnonzero(prac["zone_code"].to_numpy() == zone)
        if len(pi) == 0:
            continue  # residents of a zone without practices stay unenrolled
        d = np.hypot(
            ax[ai, None] - prac["x"].to_numpy()[None, pi],
            ay[ai, None] - prac["y"].to_numpy()[None, pi],
        )
        w = prac["gp_fte"].to_numpy()[None, pi] * np.exp(-d / max(decay_m, 1.0))
        w = w + 1e-12
        pv = w / w.sum(axis=1, keepdims=True)  # area x practice
        n = cells[ai].reshape(len(ai), -1)  # area x cell
        draws = rng.multinomial(n, pv[:, None, :])  # area x cell x practice
        per_prac[pi] += draws.sum(axis=0).T.reshape(len(pi), *cells.shape[1:])

    idx = pd.MultiIndex.from_product(
        [prac["practice_id"], SEXES, AGE_BANDS, [False, True], [False, True]],
        names=["practice_id", "sex", "age_band", "bim", "chronic"],
    )
    lists = pd.DataFrame({"patients": per_prac.reshape(-1)}, index=idx).reset_index()
    lists = lists[lists["patients"] > 0].reset_index(drop=True)

    act = cal.activity
    band_i = lists["age_band"].map({b: i for i, b in enumerate(AGE_BANDS)}).to_numpy()
    rate = _by_age(act.age_from, act.contacts_per_year)[band_i]
    rate = rate * np.where(lists["chronic"], act.chronic_factor, 1.0)
    rate = rate * np.where(lists["bim"], act.bim_factor, 1.0)
    contacts = rng.poisson(lists["patients"].to_numpy() * rate)
    hv_share = _by_age(act.age_from, act.home_visit_share)[band_i]
    lists["home_visits"] = rng.binomial(contacts, np.clip(hv_share, 0, 1))
    lists["consultations"] = contacts - lists["home_visits"]
    lists = lists[
        [
            "practice_id",
            "age_band",
            "sex",
            "bim",
            "chronic",
            "patients",
            "consultations",
            "home_visits",
        ]
    ]
    lists = lists.astype({"patients": "int64", "consultations": "int64", "home_visits": "int64"})

    totals = lists.groupby("practice_id")["patients"].sum()
    prac["patients"] = prac["practice_id"].map(totals).fillna(0).astype(np.int64)
    prac = prac[
        [
            "practice_id",
            "area_code",
            "network_code",
            "zone_code",
            "n_gps",
            "gp_fte",
            "employees",
            "nurse_hours_per_week",
            "quality_achievement",
            "patients",
        ]
    ]
    return prac.reset_index(drop=True), lists


def with_practice_lists(territory: Territory, *, seed: int | None = None) -> Territory:
    """``territory`` with the ``gp_practices`` and ``practice_lists`` tables added."""
    prac, lists = generate_lists(territory, seed=seed)
    return territory.with_tables(**{PRACTICES_TABLE: prac, LISTS_TABLE: lists})


def _counts(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, Kind.INT, min_value=0) for n in names)


def _amounts(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, Kind.FLOAT, min_value=0) for n in names)


PRACTICES = TableSchema(
    PRACTICES_TABLE,
    (
        Column("practice_id", Kind.TEXT, unique=True),
        Column("network_code", Kind.TEXT, nullable=True),
        Column("zone_code", Kind.TEXT),
        *_counts("n_gps"),
        *_amounts("gp_fte"),
        *_counts("employees"),
        *_amounts("nurse_hours_per_week"),
        Column("quality_achievement", Kind.FLOAT, min_value=0, max_value=1),
    ),
)
LISTS = TableSchema(
    LISTS_TABLE,
    (
        Column("practice_id", Kind.TEXT),
        Column("age_band", Kind.CATEGORY, allowed=AGE_BANDS),
        Column("sex", Kind.CATEGORY, allowed=SEXES),
        Column("bim", Kind.BOOL),
        Column("chronic", Kind.BOOL),
        *_counts("patients", "consultations", "home_visits"),
    ),
)


def check_tables(practices: pd.DataFrame, lists: pd.DataFrame) -> None:
    """Raise a ValidationError naming the table, column and row of the first problem."""
    check_table(practices, PRACTICES)
    check_table(lists, LISTS)
    bad = ~lists["practice_id"].isin(set(practices["practice_id"])).to_numpy(dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValidationError(
            "practice not in gp_practices",
            file=LISTS_TABLE,
            column="practice_id",
            row=i + 1,
            found=lists["practice_id"].iloc[i],
        )


def tables_of(
    territory: Territory, *, seed: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The territory's practice tables if present (checked), else synthetic ones derived now."""
    if PRACTICES_TABLE in territory.tables and LISTS_TABLE in territory.tables:
        prac, lists = territory.tables[PRACTICES_TABLE], territory.tables[LISTS_TABLE]
        check_tables(prac, lists)
        return prac, lists
    return generate_lists(territory, seed=seed)


__all__ = [
    "LISTS",
    "LISTS_TABLE",
    "PRACTICES",
    "PRACTICES_TABLE",
    "ListCalibration",
    "check_tables",
    "expected_chronic_share",
    "generate_lists",
    "load_calibration",
    "tables_of",
    "with_practice_lists",
]
