"""The financing section of the diagnosis report: practice income under three payment models
(stacked layers per practice and per network) and a need-based allocation per network."""

from __future__ import annotations

import plotly.graph_objects as go

from mesocare.errors import MesocareError
from mesocare.financing.parameters import unconfirmed_figures
from mesocare.reports.base import Figure, ReportContext, Section, Table

#: the budget shared in the report's allocation example (a documented illustration)
EXAMPLE_BUDGET_EUR = 1_000_000.0
_MODEL_LABEL = {"classic": "Classic", "new_deal": "New Deal", "cappuccino": "Cappuccino"}
_KIND_COLOUR = {"service": "#4c78a8", "patient": "#f58518", "premium": "#54a24b"}


def _stacked(income, key: str, order: list[str], title: str) -> go.Figure:  # type: ignore[no-untyped-def]
    fig = go.Figure()
    for model in ("classic", "new_deal", "cappuccino"):
        sub = income[income["model"] == model]
        for (layer, kind), part in sub.groupby(["layer", "kind"], sort=False):
            amounts = part.groupby(key)["eur"].sum().reindex(order, fill_value=0)
            fig.add_bar(
                x=[order, [_MODEL_LABEL[model]] * len(order)],
                y=amounts.to_numpy(),
                name=f"{_MODEL_LABEL[model]}: {layer.replace('_', ' ')}",
                marker_color=_KIND_COLOUR[kind],
                legendgroup=kind,
            )
    fig.update_layout(barmode="stack", title=title, yaxis_title="EUR per year", height=480)
    return fig


def build(ctx: ReportContext) -> Section | None:
    from mesocare.services.financing import allocate_budget, practice_income

    try:
        inc = ctx.cached(
            f"financing.income.{ctx.zone_code}",
            lambda: practice_income(ctx.territory, ctx.zone_code),
        )
        alloc = ctx.cached(
            f"financing.allocation.{ctx.zone_code}",
            lambda: allocate_budget(
                ctx.territory, EXAMPLE_BUDGET_EUR, level="network", zone_code=ctx.zone_code
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
    fig_alloc = go.Figure()
    fig_alloc.add_bar(x=t["unit_code"], y=t["need_rule_eur_per_inhabitant"], name="by need")
    fig_alloc.add_bar(
        x=t["unit_code"], y=t["equal_rule_eur_per_inhabitant"], name="equal per inhabitant"
    )
    fig_alloc.add_scatter(
        x=t["unit_code"],
        y=t["need_per_inhabitant"],
        name="need per inhabitant",
        yaxis="y2",
        mode="markers",
        marker_size=10,
    )
    fig_alloc.update_layout(
        barmode="group",
        height=420,
        yaxis_title="EUR per inhabitant",
        yaxis2=dict(title="weighted population per inhabitant", overlaying="y", side="right"),
        title=f"€{EXAMPLE_BUDGET_EUR:,.0f} shared among the networks by need",
    )
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
