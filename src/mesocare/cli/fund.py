"""``mesocare fund …``: payment models, practice income, allocation by need, CPTS, zorgraad.

Every command prints Rich tables and can write its full result with ``--csv`` / ``--json``.
Without ``--territory`` the synthetic demo territory is used (and said so).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import typer

from mesocare.atomic import write_text
from mesocare.cli import fund_output as fo
from mesocare.cli._common import console, number, output, whole
from mesocare.errors import ParameterError
from mesocare.i18n import _, fmt_eur, fmt_int, ngettext

fund_app = typer.Typer(
    name="fund",
    help=_("Financing: payment models, practice income, allocation by need, CPTS contracts."),
    no_args_is_help=True,
)

TerritoryOpt = Annotated[
    Path | None,
    typer.Option("--territory", "-t", help=_("Territory folder (default: the synthetic demo)")),
]
ZoneOpt = Annotated[str | None, typer.Option("--zone", "-z", help=_("Zone code, e.g. Z01"))]
CsvOpt = Annotated[
    Path | None, typer.Option("--csv", parser=output, help=_("Write the full table as CSV"))
]
JsonOpt = Annotated[
    Path | None, typer.Option("--json", parser=output, help=_("Write the result as JSON"))
]


def register(app: typer.Typer) -> None:
    app.add_typer(fund_app, name="fund")


# ----- commands -----------------------------------------------------------------------------------
@fund_app.command(
    "params",
    help=_(
        "Show a packaged parameter set (figures, sources, unconfirmed marks) or check a user file."
    ),
)
def params_cmd(
    kind: Annotated[
        str, typer.Argument(help=_("practice_payment, cpts, need_weights or zorgraad"))
    ] = "practice_payment",
    check: Annotated[Path | None, typer.Option(help=_("Validate this user file instead"))] = None,
    write: Annotated[
        Path | None, typer.Option(parser=output, help=_("Copy the packaged file here to edit"))
    ] = None,
) -> None:
    from mesocare.financing import parameters as P

    if kind not in P.PACKAGED:
        raise ParameterError(
            _("unknown parameter set '{kind}'; known: {known}").format(
                kind=kind, known=", ".join(P.PACKAGED)
            )
        )
    if write is not None:
        write_text(write, P.packaged_text(P.PACKAGED[kind][0]))
        console.print(
            _("Packaged '{kind}' parameters written to {path}").format(kind=kind, path=write)
        )
        return
    params = P.load(kind, check)
    console.print(
        _("[bold]{name}[/] version {version}, valid from {valid_from}").format(
            name=params.meta.name, version=params.meta.version, valid_from=params.meta.valid_from
        )
    )
    unconfirmed = P.unconfirmed_figures(params)
    if check is not None:
        console.print(_("[green]{path} is valid.[/]").format(path=check))
    n = len(unconfirmed)
    console.print(
        ngettext(
            "{n} unconfirmed figure (a documented default, replace it with yours):",
            "{n} unconfirmed figures (documented defaults, replace them with yours):",
            n,
        ).format(n=fmt_int(n))
    )
    for key in unconfirmed:
        console.print(f"  • {key}")


@fund_app.command(
    "lists",
    help=_("Derive (synthetic) enrolled patient lists of the GP practices and summarise them."),
)
def lists_cmd(
    territory: TerritoryOpt = None,
    zone: ZoneOpt = None,
    save: Annotated[
        bool, typer.Option(help=_("Save the synthetic lists into the territory folder"))
    ] = False,
    seed: Annotated[
        int | None,
        typer.Option(parser=whole(minimum=0), help=_("Seed (default: the territory's)")),
    ] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    from mesocare.services.financing import practice_tables
    from mesocare.territory.practice_lists import with_practice_lists

    terr = fo.territory(territory)
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
    fo.print(
        out,
        _("GP practices and their enrolled lists — {territory}").format(
            territory=terr.manifest.label
        ),
        {
            "practice_id": _("practice"),
            "network_code": _("network"),
            "n_gps": _("GPs"),
            "patients": _("patients"),
            "bim_share": _("BIM share"),
            "chronic_share": _("chronic share"),
            "consultations": _("consultations"),
            "home_visits": _("home visits"),
        },
    )
    fo.outputs(out, csv, json_out)
    if save:
        if territory is None:
            raise ParameterError(_("--save needs --territory (the folder to save into)"))
        from mesocare.territory import save_tables
        from mesocare.territory.practice_lists import LISTS_TABLE, PRACTICES_TABLE

        save_tables(territory, **{t: terr.tables[t] for t in (PRACTICES_TABLE, LISTS_TABLE)})
        console.print(
            _("Tables gp_practices and practice_lists saved into {path}").format(path=territory)
        )


@fund_app.command(
    "income",
    help=_(
        "Each practice's (or network's) yearly income under the classic model, New Deal and Cappuccino."
    ),
)
def income_cmd(
    territory: TerritoryOpt = None,
    zone: ZoneOpt = None,
    params: Annotated[
        Path | None, typer.Option(help=_("Your practice payment parameter file"))
    ] = None,
    budget_neutral: Annotated[
        bool, typer.Option(help=_("Scale reforms to the classic total"))
    ] = False,
    models: Annotated[
        str, typer.Option(help=_("Comma-separated models (classic,new_deal,cappuccino,forfait)"))
    ] = "classic,new_deal,cappuccino",
    by: Annotated[
        Literal["practice", "network"], typer.Option(help=_("practice or network"))
    ] = "practice",
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    from mesocare.services.financing import practice_income

    terr = fo.territory(territory)
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
    short = {m: _(fo.SHORT[m]) for m in ms}
    if by == "practice":
        df = r.by_practice
        cols = {
            "practice_id": _("practice"),
            "network_code": _("network"),
            "patients": _("patients"),
            **{f"{m}_eur": f"{short[m]} €" for m in ms},
            **{f"{m}_change_pct": f"{short[m]} Δ%" for m in ms if m != "classic"},
        }
        title = _("Yearly income per practice (€)")
    else:
        df = r.network_totals()
        cols = {"network_code": _("network"), **{f"{m}_eur": f"{short[m]} €" for m in ms}}
        title = _("Yearly income per network (€)")
    if budget_neutral:
        title += " " + _("(budget-neutral)")
    title += f" — {terr.manifest.label}"
    fo.print(df, title, cols, max_rows=200, whole=True)
    ov = r.overall
    fo.print(
        ov.assign(share_pct=(100 * ov["share"]).round(1)),
        _("Layer shares (all practices)"),
        {"model": _("model"), "layer": _("layer"), "eur": "€", "share_pct": _("share %")},
        whole=False,
    )
    if by == "practice" and len(ms) > 1:
        for m in ms[1:]:
            counts = r.by_practice[f"{m}_outcome"].value_counts()
            console.print(
                _("{model} vs classic: {counts}").format(
                    model=_(fo.SHORT[m]), counts=", ".join(f"{k}: {v}" for k, v in counts.items())
                )
            )
    extra = {
        "territory": terr.manifest.label,
        "zone": zone,
        "budget_neutral": budget_neutral,
        "layers_by_network": json.loads(r.by_network.to_json(orient="records")),
    }
    fo.outputs(df, csv, json_out, extra)


@fund_app.command(
    "allocate",
    help=_(
        "Split a budget by need (weighted population) and compare with an equal amount per inhabitant."
    ),
)
def allocate_cmd(
    budget: Annotated[
        float, typer.Option(parser=number(minimum=0), help=_("Budget to share, in euros"))
    ] = 1_000_000.0,
    territory: TerritoryOpt = None,
    zone: ZoneOpt = None,
    level: Annotated[
        Literal["network", "zone", "practice", "area"],
        typer.Option(help=_("network, zone, practice or area")),
    ] = "network",
    weights: Annotated[Path | None, typer.Option(help=_("Your need weights file (TOML)"))] = None,
    weight: Annotated[
        list[str] | None, typer.Option(help=_("Override a weight: NAME=NUMBER (repeatable)"))
    ] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    from mesocare.services.financing import allocate_budget

    terr = fo.territory(territory)
    a = allocate_budget(
        terr,
        budget,
        level=level,
        zone_code=zone,
        weights_path=weights,
        weights=fo.parse_weights(weight or []),
    )
    t = a.table
    fo.print(
        t,
        _("Allocation of {budget} by need — {territory}").format(
            budget=fmt_eur(budget, 2), territory=terr.manifest.label
        )
        + (", " + _("zone {zone}").format(zone=zone) if zone else ""),
        {
            "unit_code": _("code"),
            "population": _("population"),
            "need": _("need (weighted pop.)"),
            "need_rule_eur": _("by need €"),
            "equal_rule_eur": _("equal per head €"),
            "difference_eur": _("difference €"),
        },
        max_rows=200,
    )
    console.print(
        _(
            "Total by need: {by_need}; per inhabitant: {per_head} "
            "(largest-remainder rounding to the cent)"
        ).format(
            by_need=fmt_eur(t["need_rule_cents"].sum() / 100, 2),
            per_head=fmt_eur(t["equal_rule_cents"].sum() / 100, 2),
        )
    )
    console.print(
        _(
            "Concentration index of money against need: by need {by_need}; "
            "per inhabitant {per_head} (> 0: favours need)"
        ).format(
            by_need=fo.signed(a.concentration_need_rule),
            per_head=fo.signed(a.concentration_equal_rule),
        )
    )
    fo.outputs(
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


@fund_app.command(
    "zorgraad",
    help=_("Share the zorgraad grant among the zones per weighted inhabitant (9 risk criteria)."),
)
def zorgraad_cmd(
    territory: TerritoryOpt = None,
    budget: Annotated[
        float | None,
        typer.Option(parser=number(minimum=0), help=_("Grant in euros (default ≈ €9M)")),
    ] = None,
    params: Annotated[Path | None, typer.Option(help=_("Your zorgraad parameter file"))] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    from mesocare.services.financing import zorgraad_grant

    terr = fo.territory(territory)
    a = zorgraad_grant(terr, params_path=params, budget_eur=budget)
    fo.print(
        a.table,
        _("Zorgraad grant per weighted inhabitant — {territory}").format(
            territory=terr.manifest.label
        ),
        {
            "unit_code": _("code"),
            "population": _("population"),
            "need": _("weighted inhabitants"),
            "need_rule_eur": _("grant €"),
            "need_rule_eur_per_inhabitant": _("€ per inhabitant"),
        },
    )
    fo.outputs(a.table, csv, json_out, {"budget_cents": a.budget_cents})


@fund_app.command(
    "cpts",
    help=_("Simulate a CPTS contract: size class, yearly amounts and the 5-year payment calendar."),
)
def cpts_cmd(
    territory: TerritoryOpt = None,
    population: Annotated[
        int | None,
        typer.Option(parser=whole(minimum=0), help=_("Population (instead of a territory)")),
    ] = None,
    zone: ZoneOpt = None,
    network: Annotated[list[str] | None, typer.Option(help=_("Network code (repeatable)"))] = None,
    area: Annotated[list[str] | None, typer.Option(help=_("Area code (repeatable)"))] = None,
    achievement: Annotated[
        float,
        typer.Option(
            parser=number(minimum=0, maximum=1), help=_("Indicator achievement 0-1 every year")
        ),
    ] = 1.0,
    start: Annotated[
        str | None, typer.Option(help=_("Signature date YYYY-MM-DD for the calendar"))
    ] = None,
    missions: Annotated[Path | None, typer.Option(help=_("Your missions amounts CSV"))] = None,
    params: Annotated[Path | None, typer.Option(help=_("Your ACI CPTS parameter file"))] = None,
    csv: CsvOpt = None,
    json_out: JsonOpt = None,
) -> None:
    from mesocare.financing.cpts import calendar_dates
    from mesocare.services.financing import cpts_contract

    terr = None if population is not None else fo.territory(territory)
    if terr is not None and not (zone or network or area):
        raise ParameterError(
            _("give --population, or --zone / --network / --area of the territory")
        )
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
        _(
            "Population {population} → size class [bold]{size_class}[/]; "
            "functioning grant {grant} a year"
        ).format(
            population=fmt_int(sim.population), size_class=sim.size_class, grant=fmt_eur(fg, 2)
        )
    )
    if missions is None:
        console.print(_("[yellow]Mission amounts are the packaged UNCONFIRMED example table.[/]"))
    y = sim.yearly.groupby("year", as_index=False)[["fixed_eur", "variable_eur", "total_eur"]].sum()
    fo.print(
        y,
        _("Yearly amounts (functioning grant + missions)"),
        {
            "year": _("year"),
            "fixed_eur": _("fixed €"),
            "variable_eur": _("variable €"),
            "total_eur": _("total €"),
        },
    )
    cal = sim.calendar.copy()
    if start:
        cal.insert(1, "date", calendar_dates(cal, start))
    by_pay: pd.DataFrame = cal.groupby(
        [c for c in ("month", "date") if c in cal.columns], as_index=False
    )["eur"].sum()  # type: ignore[assignment]
    cols = {
        "month": _("month"),
        **({"date": _("date")} if "date" in by_pay else {}),
        "eur": _("paid €"),
    }
    fo.print(by_pay, _("Payment calendar (months from signature)"), cols)
    fo.outputs(
        cal,
        csv,
        json_out,
        {
            "population": sim.population,
            "size_class": sim.size_class,
            "yearly": json.loads(sim.yearly.to_json(orient="records")),
        },
    )
