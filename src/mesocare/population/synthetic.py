"""Synthetic person-level records for any Territory, deterministic and vectorised.

Persons are drawn exactly from the territory's population (same counts per area × sex × age band);
each gets a birth date, BIM status (the area's share, higher at 65+), a global medical record and a
GP practice of the zone (nearer, larger practices more likely), and living alone (65+, the area's
share). Chronic conditions follow age-, sex- and deprivation-specific prevalences from
``data/synthetic.toml`` (sources cited there) multiplied by a person-level frailty, so conditions
cluster (multimorbidity). Drugs, contacts, emergency visits and hospital stays rise with the number
of conditions; HbA1c tests, blood-pressure records and influenza vaccinations are done at published
rates, less often in deprived areas, which leaves realistic care gaps.

Generation runs in chunks of persons, each with its own child of one ``SeedSequence`` (so results
do not depend on memory), and streams into Parquet: 11.7 million persons fit in a few GiB.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mesocare.atomic import folder_swap, read_text
from mesocare.errors import ParameterError, ValidationError
from mesocare.population.codelists import CodeLists, load_codelists
from mesocare.population.tables import MANIFEST_FILE, load_person_tables, write_manifest
from mesocare.territory import AGE_BANDS, SEXES, Territory
from mesocare.territory.person_tables import TABLES, PersonTables

EPOCH = date(1970, 1, 1)
SCHEMA = {
    "persons": pa.schema(
        [
            ("person_id", pa.int64()),
            ("birth_date", pa.date32()),
            ("sex", pa.string()),
            ("area_code", pa.string()),
            ("practice_id", pa.string()),
            ("bim", pa.bool_()),
            ("gmd", pa.bool_()),
            ("living_alone", pa.bool_()),
            ("death_date", pa.date32()),
        ]
    ),
    "diagnoses": pa.schema(
        [
            ("person_id", pa.int64()),
            ("system", pa.string()),
            ("code", pa.string()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
        ]
    ),
    "prescriptions": pa.schema(
        [
            ("person_id", pa.int64()),
            ("system", pa.string()),
            ("code", pa.string()),
            ("date", pa.date32()),
        ]
    ),
    "contacts": pa.schema(
        [
            ("person_id", pa.int64()),
            ("kind", pa.string()),
            ("date", pa.date32()),
            ("length_of_stay_days", pa.int64()),
        ]
    ),
    "measurements": pa.schema(
        [
            ("person_id", pa.int64()),
            ("system", pa.string()),
            ("code", pa.string()),
            ("value", pa.float64()),
            ("unit", pa.string()),
            ("date", pa.date32()),
        ]
    ),
    "vaccinations": pa.schema(
        [
            ("person_id", pa.int64()),
            ("system", pa.string()),
            ("code", pa.string()),
            ("date", pa.date32()),
        ]
    ),
}


def load_calibration(path: str | Path | None = None) -> dict[str, Any]:
    if path is None:
        text = resources.files("mesocare.population").joinpath("data/synthetic.toml").read_text()
    else:
        text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"malformed TOML ({exc})", file=path) from None


def _days(d: date) -> int:
    return (d - EPOCH).days


def _strings(idx: np.ndarray, vocab: list[str] | np.ndarray) -> pa.Array:
    """Strings from indices into a small vocabulary (fast, via a dictionary array)."""
    arr = pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(list(vocab)))
    return arr.cast(pa.string())


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.int32()).cast(pa.date32())


class _World:
    """Per-area inputs, computed once from the territory."""

    def __init__(self, territory: Territory, ref: date, cal: dict[str, Any], cl: CodeLists):
        pop = territory.population
        years = sorted(set(pop["year"]))
        pop = pop[pop["year"] == years[-1]]
        areas = territory.areas.reset_index(drop=True)
        self.area_codes = np.asarray(areas["area_code"], dtype=object)
        a_idx = {c: i for i, c in enumerate(self.area_codes)}
        band_idx = {b: i for i, b in enumerate(AGE_BANDS)}
        sex_idx = {s: i for i, s in enumerate(SEXES)}
        counts = pop["count"].to_numpy(dtype=np.int64)
        self.p_area = np.repeat(pop["area_code"].map(a_idx).to_numpy(np.int32), counts)
        self.p_sex = np.repeat(pop["sex"].map(sex_idx).to_numpy(np.int8), counts)
        self.p_band = np.repeat(pop["age_band"].map(band_idx).to_numpy(np.int8), counts)
        self.n = len(self.p_area)
        attrs = territory.area_attributes.set_index("area_code").reindex(self.area_codes)

        def attr(name: str, default: float) -> np.ndarray:
            if name in attrs.columns:
                return attrs[name].astype(float).fillna(default).to_numpy()
            return np.full(len(self.area_codes), default)

        self.dep = attr("deprivation_score", 0.5)
        self.bim = attr("bim_share", 0.17)
        self.alone = attr("alone_65plus_share", 0.30)
        self.ref = ref
        # birth dates: for each age in years, persons are born in (ref - (age+1) y, ref - age y]
        hi = np.array([_days(_years_before(ref, a)) for a in range(112)])
        lo = np.array([_days(_years_before(ref, a + 1)) + 1 for a in range(112)])
        self.birth_lo, self.birth_span = lo, hi - lo + 1
        self._practices(territory, areas)
        self.conditions = [c for c in cl.conditions() if c in cal["prevalence"]]
        codes = cal["codes"]
        self.cond_codes = {
            (c, s): (codes[c][i] or None)
            for c in self.conditions
            for i, s in enumerate(("ICPC-2", "ICD-10"))
        }

    def _practices(self, territory: Territory, areas: Any) -> None:
        prov = territory.providers
        gps = prov[(prov["discipline"] == "gp") & prov["practice_id"].notna()]
        pr = gps.groupby("practice_id").agg(
            x=("x", "mean"), y=("y", "mean"), fte=("fte", "sum"), area_code=("area_code", "first")
        )
        self.practice_ids = np.asarray(pr.index, dtype=object)
        zone_of_area = dict(zip(areas["area_code"], areas["zone_code"], strict=True))
        pr_zone = pr["area_code"].map(zone_of_area).to_numpy()
        cent = areas.geometry.representative_point()
        ax, ay = cent.x.to_numpy(), cent.y.to_numpy()
        zones = areas["zone_code"].to_numpy()
        flat_cum, flat_pr = [], []
        self.has_practice = np.zeros(len(areas), dtype=bool)
        for i in range(len(areas)):
            k = np.flatnonzero(pr_zone == zones[i]) if len(pr) else np.array([], dtype=int)
            if len(k) == 0:
                continue
            d = np.hypot(pr["x"].to_numpy()[k] - ax[i], pr["y"].to_numpy()[k] - ay[i])
            w = pr["fte"].to_numpy()[k] * np.exp(-d / 3000.0) + 1e-12
            c = np.cumsum(w / w.sum())
            c[-1] = 1.0
            flat_cum.append(i + c)
            flat_pr.append(k)
            self.has_practice[i] = True
        self.flat_cum = np.concatenate(flat_cum) if flat_cum else np.array([])
        self.flat_pr = np.concatenate(flat_pr) if flat_pr else np.array([], dtype=int)

    def practice_of(self, area: np.ndarray, u: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.flat_cum, area + u, side="left")
        return self.flat_pr[np.minimum(pos, len(self.flat_pr) - 1)]


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _chunk(
    w: _World, lo: int, hi: int, rng: np.random.Generator, cal: dict[str, Any]
) -> dict[str, pa.Table]:
    n = hi - lo
    ref_d = _days(w.ref)
    area, sex, band = w.p_area[lo:hi], w.p_sex[lo:hi], w.p_band[lo:hi]
    age = band.astype(np.int32) * 5 + np.where(
        band == len(AGE_BANDS) - 1, rng.integers(0, 8, n), rng.integers(0, 5, n)
    )
    birth = w.birth_lo[age] + (rng.random(n) * w.birth_span[age]).astype(np.int64)
    dep = w.dep[area]
    care = cal["care"]
    old = age >= 65
    bim = rng.random(n) < np.clip(w.bim[area] * np.where(old, care["bim_65plus_factor"], 1.0), 0, 1)
    gmd = (rng.random(n) < care["gmd_share"]) & w.has_practice[area]
    prac = np.where(gmd, w.practice_of(area, rng.random(n)), 0)
    alone = rng.random(n) < w.alone[area]
    pid = np.arange(lo + 1, hi + 1, dtype=np.int64)
    practice = pa.array(
        np.where(gmd, w.practice_ids[prac].astype(object), np.array(None, dtype=object))
        if len(w.practice_ids)
        else [None] * n,
        type=pa.string(),
    )
    persons = pa.table(
        {
            "person_id": pid,
            "birth_date": _dates(birth),
            "sex": _strings(sex, list(SEXES)),
            "area_code": _strings(area, w.area_codes),
            "practice_id": practice,
            "bim": bim,
            "gmd": gmd,
            "living_alone": pa.array(alone, mask=~old),
            "death_date": pa.nulls(n, pa.date32()),
        },
        schema=SCHEMA["persons"],
    )

    # conditions: prevalence(age group, sex, deprivation) × frailty
    prev, mr, rr = cal["prevalence"], cal["male_ratio"], cal["deprivation_rr"]
    group = np.searchsorted(np.asarray(prev["age_groups"]), age, side="right") - 1
    sigma = float(cal["multimorbidity"]["frailty_sigma"])
    frail = rng.lognormal(-(sigma**2) / 2, sigma, n)
    male = sex == 0
    conds = w.conditions
    has = np.zeros((n, len(conds)), dtype=bool)
    for j, c in enumerate(conds):
        base = np.asarray(prev[c], dtype=float)[group] / 100.0
        sexf = np.where(male, mr[c], 2.0 - mr[c])
        depf = np.asarray(rr[c], dtype=float) ** (dep - 0.5)
        has[:, j] = rng.random(n) < np.clip(base * sexf * depf * frail, 0, 0.95)
    n_cond = has.sum(1)
    pi, ci = np.nonzero(has)
    icpc = np.array([w.cond_codes[(c, "ICPC-2")] is not None for c in conds])
    use_icd = ~icpc[ci] | (rng.random(len(pi)) < 0.2)
    vocab = sorted({v for v in w.cond_codes.values() if v is not None})
    code_of = {
        s: np.array(
            [vocab.index(w.cond_codes[(c, s)]) if w.cond_codes[(c, s)] else 0 for c in conds]
        )
        for s in ("ICPC-2", "ICD-10")
    }
    code_idx = np.where(use_icd, code_of["ICD-10"][ci], code_of["ICPC-2"][ci])
    span = np.minimum(ref_d - birth[pi], 20 * 365)
    start = ref_d - (rng.random(len(pi)) * span).astype(np.int64)
    diagnoses = pa.table(
        {
            "person_id": pid[pi],
            "system": _strings(use_icd.astype(np.int8), ["ICPC-2", "ICD-10"]),
            "code": _strings(code_idx, vocab),
            "start_date": _dates(start),
            "end_date": pa.nulls(len(pi), pa.date32()),
        },
        schema=SCHEMA["diagnoses"],
    )

    # prescriptions: chronic drugs per condition, acute drugs for anyone, in the last 12 months
    util, drugs = cal["utilisation"], cal["drugs"]
    dvocab = sorted({d for c in conds for d in drugs.get(c, [])} | set(drugs["acute"]))
    lists = [np.array([dvocab.index(d) for d in drugs.get(c, [])], dtype=np.int64) for c in conds]
    lens = np.array([len(x) for x in lists])
    offs = np.concatenate([[0], np.cumsum(lens)])
    flat = np.concatenate(lists) if len(lists) else np.array([], dtype=np.int64)
    rep = np.repeat(np.arange(len(pi)), lens[ci])
    within = np.arange(len(rep)) - np.repeat(np.cumsum(lens[ci]) - lens[ci], lens[ci])
    d_code = flat[offs[ci[rep]] + within]
    d_person = pi[rep]
    keep = rng.random(len(rep)) < util["chronic_drug_probability"]
    d_code, d_person = d_code[keep], d_person[keep]
    k = 1 + rng.poisson(1.0, len(d_code))
    rx_person = np.repeat(d_person, k)
    rx_code = np.repeat(d_code, k)
    n_acute = rng.poisson(util["acute_drugs"], n)
    acute_idx = np.array([dvocab.index(d) for d in drugs["acute"]])
    rx_person = np.concatenate([rx_person, np.repeat(np.arange(n), n_acute)])
    rx_code = np.concatenate(
        [rx_code, acute_idx[rng.integers(0, len(acute_idx), int(n_acute.sum()))]]
    )
    prescriptions = pa.table(
        {
            "person_id": pid[rx_person],
            "system": _strings(np.zeros(len(rx_person), np.int8), ["ATC"]),
            "code": _strings(rx_code, dvocab),
            "date": _dates(ref_d - rng.integers(0, 365, len(rx_person))),
        },
        schema=SCHEMA["prescriptions"],
    )

    # contacts: GP (12 months), home visits (80+), emergency and hospital (18 months)
    kinds = ["gp_consultation", "gp_home_visit", "emergency", "hospital_stay"]
    lam = [
        util["gp_base"] + util["gp_per_condition"] * n_cond,
        np.where(age >= 80, util["home_visit_80plus"] * (1 + n_cond), 0.0),
        1.5
        * (util["emergency_base"] + util["emergency_per_condition"] * n_cond)
        * (0.75 + 0.5 * dep),
        1.5 * (util["hospital_base"] + util["hospital_per_condition"] * n_cond),
    ]
    c_person, c_kind, c_date = [], [], []
    for j, lm in enumerate(lam):
        cnt = rng.poisson(lm)
        who = np.repeat(np.arange(n), cnt)
        days = 365 if j < 2 else 548
        c_person.append(who)
        c_kind.append(np.full(len(who), j, dtype=np.int8))
        c_date.append(ref_d - rng.integers(0, days, len(who)))
    cp, ck, cd = np.concatenate(c_person), np.concatenate(c_kind), np.concatenate(c_date)
    los = np.where(ck == 3, 1 + rng.geometric(0.2, len(ck)), 0)
    contacts = pa.table(
        {
            "person_id": pid[cp],
            "kind": _strings(ck, kinds),
            "date": _dates(cd),
            "length_of_stay_days": pa.array(los, mask=ck != 3, type=pa.int64()),
        },
        schema=SCHEMA["contacts"],
    )

    # measurements: HbA1c for diabetics, blood pressure for hypertensives
    pen = 1 - care["deprivation_care_penalty"] * dep
    m_parts = []
    for cond, rate, code, unit, mean, sd in (
        ("diabetes", care["hba1c_tested"], "hba1c", "%", 7.0, 1.0),
        ("hypertension", care["bp_recorded"], "bp_systolic", "mm[Hg]", 138.0, 15.0),
    ):
        if cond not in conds:
            continue
        j = conds.index(cond)
        tested = has[:, j] & (rng.random(n) < rate * pen)
        old_test = has[:, j] & ~tested & (rng.random(n) < 0.5)
        cnt = np.where(tested, 1 + rng.poisson(1.0, n), 0)
        who = np.repeat(np.arange(n), cnt)
        when = ref_d - rng.integers(0, 365, len(who))
        who_old = np.flatnonzero(old_test)
        when_old = ref_d - rng.integers(366, 730, len(who_old))
        allw = np.concatenate([who, who_old])
        m_parts.append(
            (
                allw,
                np.concatenate([when, when_old]),
                code,
                unit,
                np.round(rng.normal(mean, sd, len(allw)), 1),
            )
        )
    mw = np.concatenate([p[0] for p in m_parts]) if m_parts else np.array([], np.int64)
    mcode = (
        np.concatenate([np.full(len(p[0]), i) for i, p in enumerate(m_parts)])
        if m_parts
        else np.array([], np.int64)
    )
    measurements = pa.table(
        {
            "person_id": pid[mw],
            "system": _strings(np.zeros(len(mw), np.int8), ["local"]),
            "code": _strings(mcode, [p[2] for p in m_parts] or ["x"]),
            "value": np.concatenate([p[4] for p in m_parts]) if m_parts else np.array([]),
            "unit": _strings(mcode, [p[3] for p in m_parts] or ["x"]),
            "date": _dates(np.concatenate([p[1] for p in m_parts]) if m_parts else mw),
        },
        schema=SCHEMA["measurements"],
    )

    # influenza vaccination in the autumn before the reference date, and often the year before
    chronic = [
        conds.index(c)
        for c in ("diabetes", "copd", "asthma", "heart_failure", "ihd", "ckd")
        if c in conds
    ]
    p_flu = np.where(
        old,
        care["flu_vaccination_65plus"],
        np.where(has[:, chronic].any(1), care["flu_vaccination_chronic_under65"], 0),
    )
    vacc = rng.random(n) < p_flu * pen
    who = np.flatnonzero(vacc)
    before = who[rng.random(len(who)) < 0.8]
    vw = np.concatenate([who, before])
    vdate = np.concatenate(
        [ref_d - rng.integers(30, 90, len(who)), ref_d - 365 - rng.integers(30, 90, len(before))]
    )
    vaccinations = pa.table(
        {
            "person_id": pid[vw],
            "system": _strings(np.zeros(len(vw), np.int8), ["ATC"]),
            "code": _strings(np.zeros(len(vw), np.int8), ["J07BB02"]),
            "date": _dates(vdate),
        },
        schema=SCHEMA["vaccinations"],
    )
    return {
        "persons": persons,
        "diagnoses": diagnoses,
        "prescriptions": prescriptions,
        "contacts": contacts,
        "measurements": measurements,
        "vaccinations": vaccinations,
    }


def iter_chunks(
    territory: Territory,
    *,
    reference_date: date,
    seed: int = 2020,
    chunk_size: int = 500_000,
    calibration: dict[str, Any] | None = None,
    codelists: CodeLists | None = None,
) -> Iterator[dict[str, pa.Table]]:
    """The records chunk by chunk (Arrow tables), deterministic for ``seed`` and ``chunk_size``."""
    if chunk_size < 1:
        raise ParameterError("chunk_size must be >= 1")
    cal = calibration or load_calibration()
    w = _World(territory, reference_date, cal, codelists or load_codelists())
    starts = list(range(0, w.n, chunk_size))
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    for s, ss in zip(starts, seeds, strict=True):
        yield _chunk(w, s, min(s + chunk_size, w.n), np.random.default_rng(ss), cal)


def write_synthetic(
    territory: Territory,
    folder: str | Path,
    *,
    reference_date: date = date(2020, 12, 31),
    seed: int = 2020,
    chunk_size: int = 500_000,
    calibration: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Generate and stream the records into a persons folder (atomically); return row counts."""
    counts = dict.fromkeys(TABLES, 0)
    with folder_swap(Path(folder), marker=MANIFEST_FILE, what="persons") as tmp:
        with ExitStack() as closing:  # every writer is closed, even when one fails to
            writers = {n: pq.ParquetWriter(tmp / f"{n}.parquet", SCHEMA[n]) for n in TABLES}
            for wr in writers.values():
                closing.callback(wr.close)
            for chunk in iter_chunks(
                territory,
                reference_date=reference_date,
                seed=seed,
                chunk_size=chunk_size,
                calibration=calibration,
            ):
                for name, tbl in chunk.items():
                    writers[name].write_table(tbl)
                    counts[name] += tbl.num_rows
        write_manifest(
            tmp,
            counts,
            {
                "synthetic": True,
                "territory": territory.manifest.name,
                "seed": seed,
                "reference_date": reference_date.isoformat(),
                "chunk_size": chunk_size,
                "generator": "mesocare.population.synthetic (see data/synthetic.toml for sources)",
            },
        )
    return counts


def synthetic_tables(territory: Territory, folder: str | Path, **kw: Any) -> PersonTables:
    """Write the records to ``folder`` and read them back validated (small territories)."""
    write_synthetic(territory, folder, **kw)
    return load_person_tables(folder, area_codes=set(territory.areas["area_code"]))
