"""Practice income under three payment models, and a budget shared among the networks by need."""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd
import plotly.io as pio

from mesocare.i18n import _, fmt_eur, fmt_percent
from mesocare.reports.base import Figure, Section, Table
from mesocare.reports.sections.geo import ZoneGeometry
from mesocare.reports.sections.words import LAYERS, MODELS, OUTCOMES, word
from mesocare.services.diagnosis.model import FinancingTheme, ZoneDiagnosis

_KIND_COLOUR = {"service": "#4c78a8", "patient": "#f58518", "premium": "#54a24b"}
MODEL_ORDER = ("classic", "new_deal", "cappuccino")


@functools.cache
def _template() -> dict[str, Any]:
    """The default Plotly template, as a figure built with ``go.Figure`` would carry it."""
    return pio.templates[pio.templates.default].to_plotly_json()


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "layout": {"template": _template(), **layout}}


def _stacked(f: FinancingTheme, key: str, order: list[str], title: str) -> dict[str, Any]:
    """Stacked bars of income per practice or network, one trace per model and layer."""
    long = pd.DataFrame([x.model_dump() for x in f.layers])
    sums = long.groupby(["model", "layer", "kind", key], sort=False)["eur"].sum()
    wide = sums.unstack(key, fill_value=0).reindex(columns=order, fill_value=0.0)
    layers = long[["model", "layer", "kind"]].drop_duplicates()
    traces = []
    for model in MODEL_ORDER:
        label = word(MODELS, model)
        for layer, kind in layers.loc[layers["model"] == model, ["layer", "kind"]].itertuples(
            index=False
        ):
            ys = wide.loc[(model, layer, kind), :].to_numpy(dtype=float)
            traces.append(
                {
                    "type": "bar",
                    "x": [order, [label] * len(order)],
                    "y": ys.tolist(),
                    "name": f"{label}: {word(LAYERS, layer)}",
                    "marker": {"color": _KIND_COLOUR.get(kind, "#999999")},
                    "legendgroup": kind,
                    "customdata": [fmt_eur(v) for v in ys],
                    "hovertemplate": "%{x}<br>%{customdata}<extra>%{fullData.name}</extra>",
                }
            )
    return _figure(
        traces,
        {
            "barmode": "stack",
            "title": {"text": title},
            "yaxis": {"title": {"text": _("EUR per year")}, "separatethousands": True},
            "height": 480,
            "legend": {"orientation": "h", "y": -0.25},
        },
    )


def render(d: ZoneDiagnosis, geo: ZoneGeometry) -> Section | None:
    f = d.themes.financing
    if f is None:
        return None
    mix = {
        m: ", ".join(
            f"{word(LAYERS, s.layer)} {fmt_percent(s.share, 0, fraction=True)}"
            for s in f.shares
            if s.model == m
        )
        for m in MODEL_ORDER
    }
    counts: dict[str, dict[str, int]] = {"new_deal": {}, "cappuccino": {}}
    for p in f.practices:
        for m, o in (("new_deal", p.new_deal_outcome), ("cappuccino", p.cappuccino_outcome)):
            counts[m][o] = counts[m].get(o, 0) + 1
    outcome = {
        m: ", ".join(f"{n} {word(OUTCOMES, o)}" for o, n in sorted(c.items()))
        for m, c in counts.items()
    }
    lists = (
        _("from the territory's practice lists")
        if f.lists_from_territory
        else _("synthetic lists derived from the territory")
    )
    paras = [
        _(
            "{n} GP practices in the zone ({lists}), paid under three models (parameter set "
            "'{name}', version {version}; {unconfirmed} of its figures are unconfirmed defaults)."
        ).format(
            n=len(f.practices),
            lists=lists,
            name=f.parameter_set,
            version=f.parameter_version,
            unconfirmed=f.unconfirmed_figures,
        ),
        _("Income mix: {mix}.").format(
            mix="; ".join(f"{word(MODELS, m)}: {v}" for m, v in mix.items())
        ),
        _(
            "Against the classic model, under the New Deal: {new_deal}; under Cappuccino: "
            "{cappuccino} (within ±1% counts as about equal)."
        ).format(new_deal=outcome["new_deal"], cappuccino=outcome["cappuccino"]),
        _(
            "A budget of {budget} shared by need (a population weighted by age, increased "
            "reimbursement, chronic conditions and deprivation; default weights) rather than per "
            "inhabitant: concentration index of money against need {need:+.3f} (per inhabitant: "
            "{equal:+.3f}). Both splits add up to the cent."
        ).format(
            budget=fmt_eur(f.budget_eur),
            need=f.concentration_need_rule,
            equal=round(f.concentration_equal_rule, 3) + 0.0,
        ),
    ]
    practices = [p.practice_id for p in f.practices]
    networks = sorted({p.network_code for p in f.practices})
    classic, nd, cap = (word(MODELS, m) for m in MODEL_ORDER)
    per_practice = pd.DataFrame(
        {
            _("practice"): practices,
            _("vicinity network"): [p.network_code for p in f.practices],
            _("GPs"): [p.gps for p in f.practices],
            _("patients"): [p.patients for p in f.practices],
            _("{model} (EUR)").format(model=classic): [p.classic_eur for p in f.practices],
            _("{model} (EUR)").format(model=nd): [p.new_deal_eur for p in f.practices],
            _("{model} (EUR)").format(model=cap): [p.cappuccino_eur for p in f.practices],
            _("New Deal against classic"): [
                word(OUTCOMES, p.new_deal_outcome) for p in f.practices
            ],
            _("Cappuccino against classic"): [
                word(OUTCOMES, p.cappuccino_outcome) for p in f.practices
            ],
        }
    )
    alloc = pd.DataFrame(
        {
            _("vicinity network"): [a.unit.name for a in f.allocation],
            _("inhabitants"): [a.population for a in f.allocation],
            _("weighted need"): [a.need for a in f.allocation],
            _("by need (EUR)"): [a.need_rule_eur for a in f.allocation],
            _("per inhabitant (EUR)"): [a.equal_rule_eur for a in f.allocation],
            _("difference (EUR)"): [a.difference_eur for a in f.allocation],
        }
    )
    units = [a.unit.code for a in f.allocation]
    fig_alloc = _figure(
        [
            {
                "type": "bar",
                "x": units,
                "y": [a.need_rule_eur_per_inhabitant for a in f.allocation],
                "name": _("by need"),
            },
            {
                "type": "bar",
                "x": units,
                "y": [a.equal_rule_eur_per_inhabitant for a in f.allocation],
                "name": _("equal per inhabitant"),
            },
        ],
        {
            "barmode": "group",
            "height": 420,
            "yaxis": {"title": {"text": _("EUR per inhabitant")}},
            "title": {
                "text": _("{budget} shared among the networks by need").format(
                    budget=fmt_eur(f.budget_eur)
                )
            },
            "legend": {"orientation": "h", "y": -0.2},
        },
    )
    return Section(
        "financing",
        _("Financing"),
        paragraphs=paras,
        figures=[
            Figure(
                _("Yearly income per practice by layer under three models"),
                _stacked(f, "practice_id", practices, _("Income per practice")),
            ),
            Figure(
                _("Yearly income per network by layer under three models"),
                _stacked(f, "network_code", networks, _("Income per network")),
            ),
            Figure(_("Allocation against need per network"), fig_alloc),
        ],
        tables=[
            Table(_("Yearly income per practice under three models"), per_practice),
            Table(
                _("Allocation of {budget} by need and per inhabitant").format(
                    budget=fmt_eur(f.budget_eur)
                ),
                alloc,
            ),
        ],
    )
