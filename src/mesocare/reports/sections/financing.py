"""The financing section of the diagnosis report: practice income under three payment models
(stacked layers per practice and per network) and a need-based allocation per network."""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd
import plotly.io as pio

from mesocare.errors import MesocareError
from mesocare.financing.parameters import unconfirmed_figures
from mesocare.reports.base import Figure, ReportContext, Section, Table

#: the budget shared in the report's allocation example (a documented illustration)
EXAMPLE_BUDGET_EUR = 1_000_000.0
_MODEL_LABEL = {"classic": "Classic", "new_deal": "New Deal", "cappuccino": "Cappuccino"}
_KIND_COLOUR = {"service": "#4c78a8", "patient": "#f58518", "premium": "#54a24b"}


@functools.cache
def _template() -> dict[str, Any]:
    """The default Plotly template, as a figure built with ``go.Figure`` would carry it."""
    return pio.templates[pio.templates.default].to_plotly_json()


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A plain figure dictionary (rendered unvalidated) that looks like its ``go.Figure``."""
    return {"data": data, "layout": {"template": _template(), **layout}}


def _stacked(income: pd.DataFrame, key: str, order: list[str], title: str) -> dict[str, Any]:
    """Stacked bars of income per ``key`` (in ``order``), one trace per model and layer."""
    sums = income.groupby(["model", "layer", "kind", key], sort=False, observed=True)["eur"].sum()
    wide = sums.unstack(key, fill_value=0).reindex(columns=order, fill_value=0.0)
    layers = income[["model", "layer", "kind"]].drop_duplicates()
    traces = []
    for model in ("classic", "new_deal", "cappuccino"):
        label = _MODEL_LABEL[model]
        for layer, kind in layers.loc[layers["model"] == model, ["layer", "kind"]].itertuples(
            index=False
        ):
            traces.append(
                {
                    "type": "bar",
                    "x": [order, [label] * len(order)],
                    "y": wide.loc[(model, layer, kind), :].to_numpy(dtype=float),
                    "name": f"{label}: {layer.replace('_', ' ')}",
                    "marker": {"color": _KIND_COLOUR[kind]},
                    "legendgroup": kind,
                }
            )
    return _figure(
        traces,
        {
            "barmode": "stack",
            "title": {"text": title},
            "yaxis": {"title": {"text": "EUR per year"}},
            "height": 480,
        },
    )


def _allocation_figure(t: pd.DataFrame) -> dict[str, Any]:
    units = t["unit_code"].tolist()
    return _figure(
        [
            {
                "type": "bar",
                "x": units,
                "y": t["need_rule_eur_per_inhabitant"].to_numpy(),
                "name": "by need",
            },
            {
                "type": "bar",
                "x": units,
                "y": t["equal_rule_eur_per_inhabitant"].to_numpy(),
                "name": "equal per inhabitant",
            },
            {
                "type": "scatter",
                "x": units,
                "y": t["need_per_inhabitant"].to_numpy(),
                "name": "need per inhabitant",
                "yaxis": "y2",
                "mode": "markers",
                "marker": {"size": 10},
            },
        ],
        {
            "barmode": "group",
            "height": 420,
            "yaxis": {"title": {"text": "EUR per inhabitant"}},
            "yaxis2": {
                "title": {"text": "weighted population per inhabitant"},
                "overlaying": "y",
                "side": "right",
            },
            "title": {"text": f"€{EXAMPLE_BUDGET_EUR:,.0f} shared among the networks by need"},
        },
    )


def build(ctx: ReportContext) -> Section | None:
    from mesocare.financing.need import area_features
    from mesocare.services.financing import (
        allocate_budget,
        practice_income,
        practice_tables_by_zone,
    )

    territory = ctx.territory
    try:
        # territory-wide pieces once per territory, then small per-zone tables
        tables = ctx.cached(
            "financing.practice_tables:by_zone", lambda: practice_tables_by_zone(territory)
        )
        if ctx.zone_code not in tables:
            return None  # no practice in the zone: the section is left out
        inc = ctx.cached(
            f"financing.income.{ctx.zone_code}",
            lambda: practice_income(territory, ctx.zone_code, tables=tables[ctx.zone_code]),
        )
        feats = ctx.cached("financing.area_features", lambda: area_features(territory))
        alloc = ctx.cached(
            f"financing.allocation.{ctx.zone_code}",
            lambda: allocate_budget(
                territory,
                EXAMPLE_BUDGET_EUR,
                level="network",
                zone_code=ctx.zone_code,
                features=feats,
            ),
        )
    except MesocareError:
        return None  # no practices or data for this zone: the section is left out
    long = inc.income.merge(inc.practices[["practice_id", "network_code"]], on="practice_id")
    practices = inc.by_practice.sort_values(["network_code", "practice_id"])["practice_id"].tolist()
    networks = sorted(long["network_code"].unique())
    overall = inc.overall.assign(share_pct=lambda d: (100 * d["share"]).round(1))
    mix = {
        m: ", ".join(f"{r.layer.replace('_', ' ')} {r.share_pct:.0f}%" for r in g.itertuples())
        for m, g in overall.groupby("model", sort=False)
    }
    bp = inc.by_practice
    outcome = {m: bp[f"{m}_outcome"].value_counts().to_dict() for m in ("new_deal", "cappuccino")}
    t = alloc.table
    fig_alloc = _allocation_figure(t)
    n_unconf = len(unconfirmed_figures(inc.params))
    paragraphs = [
        f"{len(practices)} GP practices in the zone, their enrolled lists and activity "
        + (
            "(synthetic lists derived from the territory)"
            if "practice_lists" not in ctx.territory.tables
            else "(from the territory's practice lists)"
        )
        + f", paid under three models (parameter set '{inc.params.meta.name}' "
        f"version {inc.params.meta.version}; {n_unconf} of its figures are unconfirmed defaults).",
        "Income mix: " + "; ".join(f"{_MODEL_LABEL[m]}: {v}" for m, v in mix.items()) + ".",
        "Against the classic model, New Deal: "
        + ", ".join(f"{v} {k}" for k, v in outcome["new_deal"].items())
        + "; Cappuccino: "
        + ", ".join(f"{v} {k}" for k, v in outcome["cappuccino"].items())
        + " (±1% counts as about equal).",
        f"A budget of €{EXAMPLE_BUDGET_EUR:,.0f} shared by need (weighted population: age, BIM, "
        "chronic-condition prevalence, deprivation; default weights) rather than per inhabitant: "
        f"concentration index of money against need {alloc.concentration_need_rule:+.3f} "
        f"(per inhabitant: {round(alloc.concentration_equal_rule, 3) + 0.0:+.3f}). Both splits sum to the cent.",
    ]
    net_tot = inc.network_totals()
    return Section(
        id="financing",
        title="Financing",
        paragraphs=paragraphs,
        figures=[
            Figure(
                "Yearly income per practice by layer under three models",
                _stacked(long, "practice_id", practices, "Income per practice"),
            ),
            Figure(
                "Yearly income per network by layer under three models",
                _stacked(long, "network_code", networks, "Income per network"),
            ),
            Figure("Allocation against need per network", fig_alloc),
        ],
        tables=[
            Table("Yearly income per network (EUR)", net_tot.round(0)),
            Table(
                "Yearly income per practice (EUR) and change against the classic model",
                bp.drop(columns=[c for c in bp.columns if c.endswith("_change_eur")]),
            ),
            Table(
                f"Allocation of €{EXAMPLE_BUDGET_EUR:,.0f} by need vs per inhabitant",
                t[
                    [
                        "unit_code",
                        "name",
                        "population",
                        "need",
                        "need_rule_eur",
                        "equal_rule_eur",
                        "difference_eur",
                    ]
                ],
            ),
        ],
        data={
            "layer_shares": overall[["model", "layer", "eur", "share"]].to_dict(orient="records"),
            "concentration_need_rule": alloc.concentration_need_rule,
            "concentration_equal_rule": alloc.concentration_equal_rule,
        },
    )
