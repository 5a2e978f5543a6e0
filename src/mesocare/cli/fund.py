"""``mesocare fund …``: payment models, practice income, allocation by need, CPTS, zorgraad.

Every command prints Rich tables and can write its full result with ``--csv`` / ``--json``.
Without ``--territory`` the synthetic demo territory is used (and said so).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from mesocare.atomic import write_text
from mesocare.cli._common import console
from mesocare.errors import ParameterError

fund_app = typer.Typer(
    name="fund",
    help="Financing: payment models, practice income, allocation by need, CPTS contracts.",
    no_args_is_help=True,
)

TerritoryOpt = Annotated[
    Path | None,
    typer.Option("--territory", "-t", help="Territory folder (default: the synthetic demo)"),
]
ZoneOpt = Annotated[str | None, typer.Option("--zone", "-z", help="Zone code, e.g. Z01")]
CsvOpt = Annotated[Path | None, typer.Option("--csv", help="Write the full table as CSV")]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Write the result as JSON")]


def register(app: typer.Typer) -> None:
    app.add_typer(fund_app, name="fund")


# ----- helpers ------------------------------------------------------------------------------------
def _territory(path: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        from mesocare.territory.synthetic import generate

        console.print("[dim]No --territory given: using the synthetic demo territory.[/]")
        return generate("leuven")
    from mesocare.territory import load_territory

    return load_territory(path)


def _outputs(
    df: pd.DataFrame, csv: Path | None, js: Path | None, extra: dict[str, Any] | None = None
) -> None:
    if csv is not None:
        write_text(csv, df.to_csv(index=False))
        console.print(f"CSV written to {csv}")
    if js is not None:
        payload = {**(extra or {}), "rows": json.loads(df.to_json(orient="records"))}
        write_text(js, json.dumps(payload, indent=2, ensure_ascii=False))
        console.print(f"JSON written to {js}")


_SHORT = {
    "classic": "classic",
    "new_deal": "New Deal",
    "cappuccino": "Cappuccino",
    "forfait": "forfait",
}


def _fmt(v: Any, whole: bool = False) -> str:
    if isinstance(v, bool | str) or v is None:
        return str(v)
    if isinstance(v, int) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iu"):
        return f"{int(v):,}"
    if isinstance(v, float) or hasattr(v, "dtype"):
        return f"{float(v):,.0f}" if whole else f"{float(v):,.2f}"
    return str(v)


def _print(
    df: pd.DataFrame, title: str, columns: dict[str, str], max_rows: int = 60, whole: bool = False
) -> None:
    t = Table(title=title, show_lines=False)
    for label in columns.values():
        left = label in ("code", "network", "practice", "model", "layer")
        t.add_column(label, justify="left" if left else "right", no_wrap=True)
    sub = df.head(max_rows)
    cells = {c: sub[c].tolist() for c in columns}
    for i in range(len(sub)):
        t.add_row(*[_fmt(cells[c][i], whole and c.endswith("_eur")) for c in columns])
    # piped or redirected output gets a wide console so tables are not truncated
    (console if console.is_terminal else Console(width=120)).print(t)
    if len(df) > max_rows:
        console.print(f"[dim]… {len(df) - max_rows} more rows (use --csv for all)[/]")


def _parse_weights(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        key, sep, val = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(val)
        except ValueError:
            raise ParameterError(f"--weight expects NAME=NUMBER; found {item!r}") from None
    return out


# ----- commands -----------------------------------------------------------------------------------
@fund_app.command("params")
def params_cmd(
    kind: Annotated[
        str, typer.Argument(help="practice_payment, cpts, need_weights or zorgraad")
    ] = "practice_payment",
    check: Annotated[Path | None, typer.Option(help="Validate this user file instead")] = None,
    write: Annotated[Path | None, typer.Option(help="Copy the packaged file here to edit")] = None,
) -> None:
    """Show a packaged parameter set (figures, sources, unconfirmed marks) or check a user file."""
    from mesocare.financing import parameters as P

    if kind not in P.PACKAGED:
        raise ParameterError(f"unknown parameter set '{kind}'; known: {', '.join(P.PACKAGED)}")
    if write is not None:
        write_text(write, P.packaged_text(P.PACKAGED[kind][0]))
        console.print(f"Packaged '{kind}' parameters written to {write}")
        return
    params = P.load(kind, check)
    console.print(
        f"[bold]{params.meta.name}[/] version {params.meta.version}, valid from {params.meta.valid_from}"
    )
    unconfirmed = P.unconfirmed_figures(params)
    if check is not None:
        console.print(f"[green]{check} is valid.[/]")
    console.print(
        f"{len(unconfirmed)} unconfirmed figure(s) (documented defaults, replace with yours):"
    )
    for key in unconfirmed:
        console.print(f"  • {key}")


@fund_app.command("lists")
def lists_cmd(
    territory: TerritoryOpt = None,
    zone: ZoneOpt = None,
    save: Annotated[
        bool, typer.Option(help="Save the synthetic lists into the territory folder")
    ] = False,
    seed: Annotated[int | None, typer.Option(help="Seed (default: the territory's)")] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    """Derive (synthetic) enrolled patient lists of the GP practices and summarise them."""
    from mesocare.services.financing import practice_tables
    from mesocare.territory.practice_lists import with_practice_lists

    terr = _territory(territory)
    if seed is not None or not {"gp_practices", "practice_lists"} <= set(terr.tables):
        terr = with_practice_lists(terr, seed=seed)
    prac, lists = practice_tables(terr, zone)
    g = lists.assign(
        bim_n=lists["patients"] * lists["bim"], chr_n=lists["patients"] * lists["chronic"]
    )
    s = g.groupby("practice_id")[["bim_n", "chr_n", "consultations", "home_visits"]].sum()
    out = prac.merge(s, left_on="practice_id", right_index=True, how="left")
    out["bim_share"] = (out["bim_n"] / out["patients"]).round(3)
    out["chronic_share"] = (out["chr_n"] / out["patients"]).round(3)
    out = out.drop(columns=["bim_n", "chr_n"])
    _print(
        out,
        f"GP practices and their enrolled lists — {terr.manifest.label}",
        {
            "practice_id": "practice",
            "network_code": "network",
            "n_gps": "GPs",
            "patients": "patients",
            "bim_share": "BIM share",
            "chronic_share": "chronic share",
            "consultations": "consultations",
            "home_visits": "home visits",
        },
    )
    _outputs(out, csv, json_out)
    if save:
        if territory is None:
            raise ParameterError("--save needs --territory (the folder to save into)")
        from mesocare.territory import save_territory

        save_territory(terr, territory)
        console.print(f"Tables gp_practices and practice_lists saved into {territory}")


@fund_app.command("income")
def income_cmd(
    territory: TerritoryOpt = None,
    zone: ZoneOpt = None,
    params: Annotated[
        Path | None, typer.Option(help="Your practice payment parameter file")
    ] = None,
    budget_neutral: Annotated[
        bool, typer.Option(help="Scale reforms to the classic total")
    ] = False,
    models: Annotated[
        str, typer.Option(help="Comma-separated models (classic,new_deal,cappuccino,forfait)")
    ] = "classic,new_deal,cappuccino",
    by: Annotated[str, typer.Option(help="practice or network")] = "practice",
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    """Each practice's (or network's) yearly income under the classic model, New Deal and Cappuccino."""
    from mesocare.services.financing import practice_income

    if by not in ("practice", "network"):
        raise ParameterError(f"--by expects practice or network; found {by!r}")
    terr = _territory(territory)
    r = practice_income(
        terr,
        zone,
        params_path=params,
        budget_neutral=budget_neutral,
        models=tuple(m.strip() for m in models.split(",") if m.strip()),
    )
    ms = [
        m for m in ("classic", "new_deal", "cappuccino", "forfait") if f"{m}_eur" in r.by_practice
    ]
    note = " (budget-neutral)" if budget_neutral else ""
    if by == "practice":
        df = r.by_practice
        cols = {
            "practice_id": "practice",
            "network_code": "network",
            "patients": "patients",
            **{f"{m}_eur": f"{_SHORT[m]} €" for m in ms},
            **{f"{m}_change_pct": f"{_SHORT[m]} Δ%" for m in ms if m != "classic"},
        }
    else:
        df = r.network_totals()
        cols = {"network_code": "network", **{f"{m}_eur": f"{_SHORT[m]} €" for m in ms}}
    title = f"Yearly income per {by} (€){note} — {terr.manifest.label}"
    _print(df, title, cols, max_rows=200, whole=True)
    ov = r.overall
    _print(
        ov.assign(share_pct=(100 * ov["share"]).round(1)),
        "Layer shares (all practices)",
        {"model": "model", "layer": "layer", "eur": "€", "share_pct": "share %"},
        whole=False,
    )
    if by == "practice" and len(ms) > 1:
        for m in ms[1:]:
            counts = r.by_practice[f"{m}_outcome"].value_counts()
            console.print(f"{m} vs classic: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    extra = {
        "territory": terr.manifest.label,
        "zone": zone,
        "budget_neutral": budget_neutral,
        "layers_by_network": json.loads(r.by_network.to_json(orient="records")),
    }
    _outputs(df, csv, json_out, extra)


@fund_app.command("allocate")
def allocate_cmd(
    budget: Annotated[float, typer.Option(help="Budget to share, in euros")] = 1_000_000.0,
    territory: TerritoryOpt = None,
    zone: ZoneOpt = None,
    level: Annotated[str, typer.Option(help="network, zone, practice or area")] = "network",
    weights: Annotated[Path | None, typer.Option(help="Your need weights file (TOML)")] = None,
    weight: Annotated[
        list[str] | None, typer.Option(help="Override a weight: NAME=NUMBER (repeatable)")
    ] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    """Split a budget by need (weighted population) and compare with an equal amount per inhabitant."""
    from mesocare.services.financing import allocate_budget

    terr = _territory(territory)
    a = allocate_budget(
        terr,
        budget,
        level=level,
        zone_code=zone,
        weights_path=weights,
        weights=_parse_weights(weight or []),
    )
    t = a.table
    _print(
        t,
        f"Allocation of €{budget:,.2f} by need — {terr.manifest.label}"
        + (f", zone {zone}" if zone else ""),
        {
            "unit_code": "code",
            "population": "population",
            "need": "need (weighted pop.)",
            "need_rule_eur": "by need €",
            "equal_rule_eur": "equal per head €",
            "difference_eur": "difference €",
        },
        max_rows=200,
    )
    console.print(
        f"Total by need: €{t['need_rule_cents'].sum() / 100:,.2f}; per inhabitant: "
        f"€{t['equal_rule_cents'].sum() / 100:,.2f} (largest-remainder rounding to the cent)"
    )
    console.print(
        f"Concentration index of money against need: by need {round(a.concentration_need_rule, 4) + 0.0:+.4f}; "
        f"per inhabitant {round(a.concentration_equal_rule, 4) + 0.0:+.4f} (> 0: favours need)"
    )
    _outputs(
        t,
        csv,
        json_out,
        {
            "budget_eur": budget,
            "level": level,
            "zone": zone,
            "concentration_need_rule": a.concentration_need_rule,
            "concentration_equal_rule": a.concentration_equal_rule,
        },
    )


@fund_app.command("zorgraad")
def zorgraad_cmd(
    territory: TerritoryOpt = None,
    budget: Annotated[float | None, typer.Option(help="Grant in euros (default ≈ €9M)")] = None,
    params: Annotated[Path | None, typer.Option(help="Your zorgraad parameter file")] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    """Share the zorgraad grant among the zones per weighted inhabitant (9 risk criteria)."""
    from mesocare.services.financing import zorgraad_grant

    terr = _territory(territory)
    a = zorgraad_grant(terr, params_path=params, budget_eur=budget)
    _print(
        a.table,
        f"Zorgraad grant per weighted inhabitant — {terr.manifest.label}",
        {
            "unit_code": "code",
            "population": "population",
            "need": "weighted inhabitants",
            "need_rule_eur": "grant €",
            "need_rule_eur_per_inhabitant": "€ per inhabitant",
        },
    )
    _outputs(a.table, csv, json_out, {"budget_cents": a.budget_cents})


@fund_app.command("cpts")
def cpts_cmd(
    territory: TerritoryOpt = None,
    population: Annotated[
        int | None, typer.Option(help="Population (instead of a territory)")
    ] = None,
    zone: ZoneOpt = None,
    network: Annotated[list[str] | None, typer.Option(help="Network code (repeatable)")] = None,
    area: Annotated[list[str] | None, typer.Option(help="Area code (repeatable)")] = None,
    achievement: Annotated[float, typer.Option(help="Indicator achievement 0-1 every year")] = 1.0,
    start: Annotated[
        str | None, typer.Option(help="Signature date YYYY-MM-DD for the calendar")
    ] = None,
    missions: Annotated[Path | None, typer.Option(help="Your missions amounts CSV")] = None,
    params: Annotated[Path | None, typer.Option(help="Your ACI CPTS parameter file")] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    """Simulate a CPTS contract: size class, yearly amounts and the 5-year payment calendar."""
    from mesocare.financing.cpts import calendar_dates
    from mesocare.services.financing import cpts_contract

    terr = None if population is not None else _territory(territory)
    if terr is not None and not (zone or network or area):
        raise ParameterError("give --population, or --zone / --network / --area of the territory")
    sim = cpts_contract(
        territory=terr,
        zone_code=zone,
        network_codes=network or (),
        area_codes=area or (),
        population=population,
        params_path=params,
        missions_path=missions,
        achievement=achievement,
    )
    fg = sim.yearly.loc[sim.yearly["item"] == "functioning", "fixed_eur"].iloc[0]
    console.print(
        f"Population {sim.population:,} → size class [bold]{sim.size_class}[/]; "
        f"functioning grant €{fg:,.2f} a year"
    )
    if missions is None:
        console.print("[yellow]Mission amounts are the packaged UNCONFIRMED example table.[/]")
    y = sim.yearly.groupby("year", as_index=False)[["fixed_eur", "variable_eur", "total_eur"]].sum()
    _print(
        y,
        "Yearly amounts (functioning grant + missions)",
        {
            "year": "year",
            "fixed_eur": "fixed €",
            "variable_eur": "variable €",
            "total_eur": "total €",
        },
    )
    cal = sim.calendar.copy()
    if start:
        cal.insert(1, "date", calendar_dates(cal, start))
    by_pay: pd.DataFrame = cal.groupby(
        [c for c in ("month", "date") if c in cal.columns], as_index=False
    )["eur"].sum()  # type: ignore[assignment]
    cols = {"month": "month", **({"date": "date"} if "date" in by_pay else {}), "eur": "paid €"}
    _print(by_pay, "Payment calendar (months from signature)", cols)
    _outputs(
        cal,
        csv,
        json_out,
        {
            "population": sim.population,
            "size_class": sim.size_class,
            "yearly": json.loads(sim.yearly.to_json(orient="records")),
        },
    )
