"""The CPTS contract simulator (ACI CPTS after avenant 2).

For a CPTS territory's population: its size class, the yearly amounts (functioning grant, each
mission's fixed part and its variable part at a given indicator achievement) and the payment
calendar over the contract.

Rules and modelling choices (figures in ``params/cpts_aci_2021.toml`` and a missions table):
- size class: T1 below ``t2_from``; T2 from ``t2_from`` (40,000 included) below ``t3_from``; T3 from
  ``t3_from`` (80,000 included) up to ``t4_above`` (175,000 included); T4 above it;
- the functioning grant and each mission's fixed part are *fixed* parts, counted per contract
  year (signature to first anniversary, and so on);
- a mission's fixed part counts from its start month (6 for access and crisis, 12 for pathways and
  prevention, from the missions table), prorated by the months of the contract year it covers;
- ``advance_share`` (75%) of a contract year's fixed part is paid when the item starts in that
  year: the mission's start month in its first year (prorated to the next anniversary), the
  anniversary in the following years (``timing.advance_at = "mission_start"``, ACI CPTS art. 9.1
  and the Sénat report of 2025; ``"contract_year_start"`` pays every advance at the start of the
  contract year); the functioning grant starts at signature;
- the balance of year y (the rest of its fixed part) is paid at the anniversary that closes it,
  month 12 y, plus ``balance_delay_months`` (0 by default);
- a mission's variable part counts from the month it must be fully deployed (18 / 24), prorated
  the same way, times the indicator achievement (0-1) of that year; paid with the balance;
- the start-up envelope (one of two source variants) is paid at the validation of the letter of
  intention, ``start_up_months_before_signature`` before the signature (0: at signature).

Months count from the signature; :func:`calendar_dates` turns them into dates (the same day of
the month, or the month's last day when it has none: a contract signed on 29 February 2024 has
its first anniversary on 28 February 2025).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mesocare.atomic import read_text
from mesocare.errors import ParameterError
from mesocare.financing.money import to_cents
from mesocare.financing.parameters import SIZE_CLASSES, CptsParams

MISSIONS_FILE = "cpts_missions_example.csv"


def size_class(population: int, params: CptsParams) -> str:
    """T1-T4 of a CPTS territory of ``population`` inhabitants (bounds in the module doc)."""
    if population < 0:
        raise ParameterError(f"population must be >= 0; found {population}")
    s = params.size_classes
    if population < s.t2_from_population:
        return "T1"
    if population < s.t3_from_population:
        return "T2"
    if population <= s.t4_above_population:
        return "T3"
    return "T4"


def functioning_grant(population: int, params: CptsParams) -> float:
    return float(params.functioning_grant.eur_per_year[size_class(population, params)])  # type: ignore[index]


class Mission(BaseModel):
    """One row of a missions amounts table."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mission: str = Field(min_length=1)
    label: str
    core: bool
    start_month: int = Field(ge=0, le=60)
    deployed_month: int = Field(ge=0, le=60)
    size_class: str
    fixed_eur_per_year: float = Field(ge=0)
    variable_max_eur_per_year: float = Field(ge=0)

    @model_validator(mode="after")
    def _check(self) -> Mission:
        if self.size_class not in SIZE_CLASSES:
            raise ValueError(f"size_class must be one of {', '.join(SIZE_CLASSES)}")
        if self.deployed_month < self.start_month:
            raise ValueError("deployed_month must not be before start_month")
        return self


def load_missions(path: str | Path | None = None) -> list[Mission]:
    """The missions amounts table: the packaged *unconfirmed example*, or the user's CSV (same
    columns; lines starting with '#' are comments). Errors name the file, row and column."""
    if path is None:
        text = (
            resources.files("mesocare.financing")
            .joinpath(f"params/{MISSIONS_FILE}")
            .read_text("utf-8")
        )
        file = f"mesocare:financing/params/{MISSIONS_FILE}"
    else:
        p = Path(path)
        if not p.is_file():
            raise ParameterError(f"{p}: missions file not found")
        text, file = read_text(p), str(p)
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    if not rows:
        raise ParameterError(f"{file}: no mission rows")
    out = []
    for i, row in enumerate(rows, start=2):
        try:
            out.append(Mission.model_validate(row))
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            col = ".".join(str(x) for x in err["loc"]) or "(row)"
            msg = "unknown column" if err["type"] == "extra_forbidden" else err["msg"]
            raise ParameterError(f"{file}: data row {i - 1}, column '{col}': {msg}") from None
    seen = {(m.mission, m.size_class) for m in out}
    if len(seen) != len(out):
        raise ParameterError(f"{file}: a mission appears twice for the same size class")
    return out


@dataclass(frozen=True)
class CptsSimulation:
    population: int
    size_class: str
    #: one row per contract year x item: fixed_eur, variable_eur, total_eur
    yearly: pd.DataFrame
    #: one row per payment: month (from signature), year, item, part, eur
    calendar: pd.DataFrame


def _months_in_year(year: int, from_month: int) -> int:
    """Months of contract year ``year`` (1-based: months 12(y-1)..12y) at or after ``from_month``."""
    start, end = 12 * (year - 1), 12 * year
    return max(0, end - max(start, from_month))


def simulate(
    population: int,
    params: CptsParams,
    missions: Sequence[Mission],
    *,
    achievement: float | Mapping[int, float] = 1.0,
    selected: Sequence[str] | None = None,
) -> CptsSimulation:
    """Yearly amounts and payment calendar of a CPTS contract (see the module doc).

    ``achievement`` is the indicator achievement (0-1) of every year, or per contract year
    (missing years count 0). ``selected`` limits the missions (default: all core missions plus
    any optional ones in the table).
    """
    klass = size_class(population, params)
    years = int(params.payment.contract_years.value)
    adv = params.payment.advance_share.value
    delay = int(params.payment.balance_delay_months.value)
    at_start = params.payment.timing.advance_at == "mission_start"
    if not 0 <= adv <= 1:
        raise ParameterError(f"payment.advance_share must be in [0, 1]; found {adv}")
    rows = [m for m in missions if m.size_class == klass]
    if selected is not None:
        known = {m.mission for m in rows}
        unknown = [s for s in selected if s not in known]
        if unknown:
            raise ParameterError(
                f"unknown mission(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        rows = [m for m in rows if m.mission in set(selected)]

    def ach(year: int) -> float:
        a = achievement.get(year, 0.0) if isinstance(achievement, Mapping) else achievement
        if not 0 <= a <= 1:
            raise ParameterError(
                f"indicator achievement must be in [0, 1]; found {a} (year {year})"
            )
        return float(a)

    yearly, cal = [], []
    start_up = params.start_up.amount(klass)
    before = -int(params.payment.start_up_months_before_signature.value)
    cal.append((before, 1, "start_up", "start-up envelope", to_cents(start_up)))
    grant = float(params.functioning_grant.eur_per_year[klass])  # type: ignore[index]
    items = [("functioning", grant, 0.0, 0, 0)] + [
        (
            m.mission,
            m.fixed_eur_per_year,
            m.variable_max_eur_per_year,
            m.start_month,
            m.deployed_month,
        )
        for m in rows
    ]
    for y in range(1, years + 1):
        a = ach(y)
        for item, fixed_year, var_year, start, deployed in items:
            fixed = to_cents(fixed_year * _months_in_year(y, start) / 12)
            variable = to_cents(var_year * _months_in_year(y, deployed) / 12 * a)
            yearly.append((y, item, fixed, variable))
            if fixed:
                advance = to_cents(fixed * adv / 100)
                paid = max(12 * (y - 1), start) if at_start else 12 * (y - 1)
                cal.append((paid, y, item, "advance (fixed part)", advance))
                cal.append((12 * y + delay, y, item, "balance (fixed part)", fixed - advance))
            if variable:
                cal.append((12 * y + delay, y, item, "variable part", variable))
    yt = pd.DataFrame(yearly, columns=["year", "item", "fixed_cents", "variable_cents"])
    yt["fixed_eur"] = yt["fixed_cents"] / 100
    yt["variable_eur"] = yt["variable_cents"] / 100
    yt["total_eur"] = yt["fixed_eur"] + yt["variable_eur"]
    ct = pd.DataFrame(cal, columns=["month", "year", "item", "part", "cents"])
    ct = ct.sort_values(["month", "year", "item", "part"], kind="stable").reset_index(drop=True)
    ct["eur"] = ct["cents"] / 100
    return CptsSimulation(population, klass, yt, ct)


def calendar_dates(calendar: pd.DataFrame, start: str) -> pd.Series:
    """Payment dates of a calendar for a contract signed on ``start`` (ISO date)."""
    try:
        d0 = pd.Timestamp(start)
    except ValueError:
        raise ParameterError(f"start must be an ISO date (YYYY-MM-DD); found {start!r}") from None
    return calendar["month"].map(lambda m: (d0 + pd.DateOffset(months=int(m))).date().isoformat())
