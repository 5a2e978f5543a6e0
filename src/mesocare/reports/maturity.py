"""Figures of a maturity assessment (Plotly, as JSON for the pages' placeholders).

A radar's shape depends on the order of its axes, so it keeps the framework's order and is shown
next to the **ordered dot plot**: items sorted by score (consensus, else median), one dot per
rating coloured by the participant's cluster (never their name), the consensus as a diamond.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from mesocare.i18n import _, ngettext
from mesocare.organisation.maturity import Framework
from mesocare.organisation.maturity_records import ItemResult


def _figure(fig: go.Figure) -> dict[str, Any]:
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, template="plotly_white")
    return fig.to_plotly_json()  # type: ignore[no-any-return]


def _label(fw: Framework, item: str, lang: str) -> str:
    d = fw.dimension_of(item)
    if len(d.criteria) == 1:
        return d.label.get(lang)
    return f"{item} {fw.criterion(item).text.get(lang)[:40]}"


def _score(r: ItemResult) -> float | None:
    return float(r.consensus) if r.consensus is not None else r.median


def radar(fw: Framework, results: list[ItemResult], lang: str) -> dict[str, Any]:
    """Consensus (and median) per item, in the framework's order."""
    labels = [_label(fw, r.item, lang) for r in results]
    fig = go.Figure()
    for name, values in (
        (_("Median"), [r.median for r in results]),
        (_("Consensus"), [r.consensus for r in results]),
    ):
        if any(v is not None for v in values):
            fig.add_trace(
                go.Scatterpolar(
                    r=[*values, values[0]], theta=[*labels, labels[0]], name=name, fill="toself"
                )
            )
    fig.update_layout(
        title=_("Maturity per dimension (axes in the framework's order)"),
        # room above and below the circle for the axes' labels (the margins are narrow)
        polar={
            "radialaxis": {"range": [fw.low, fw.high], "dtick": 1},
            "domain": {"y": [0.1, 0.86]},
        },
        height=560,
    )
    return _figure(fig)


def dot_plot(fw: Framework, results: list[ItemResult], lang: str) -> dict[str, Any]:
    """Items sorted by score, lowest at the bottom; every rating a dot, by cluster."""
    ordered = sorted(
        (r for r in results if _score(r) is not None), key=lambda r: (_score(r) or 0, r.item)
    )
    labels = [_label(fw, r.item, lang) for r in ordered]
    fig = go.Figure()
    clusters = sorted({d.cluster for r in ordered for d in r.dots})
    for cluster in clusters:
        # equal ratings of one cluster on one item are one dot, larger by their number
        counts: dict[tuple[str, int], int] = {}
        for r, label in zip(ordered, labels, strict=True):
            for d in r.dots:
                if d.cluster == cluster:
                    counts[(label, d.score)] = counts.get((label, d.score), 0) + 1
        fig.add_trace(
            go.Scatter(
                x=[score for (_l, score) in counts],
                y=[label for (label, _s) in counts],
                mode="markers",
                name=cluster or _("no cluster"),
                marker={"size": [9 + 6 * (n - 1) for n in counts.values()], "opacity": 0.7},
                hovertext=[
                    ngettext("{n} rating", "{n} ratings", n).format(n=n) for n in counts.values()
                ],
            )
        )
    cons = [
        (r.consensus, label)
        for r, label in zip(ordered, labels, strict=True)
        if r.consensus is not None
    ]
    if cons:
        fig.add_trace(
            go.Scatter(
                x=[c for c, _l in cons],
                y=[lab for _c, lab in cons],
                mode="markers",
                name=_("Consensus"),
                marker={"symbol": "diamond", "size": 15, "color": "black"},
            )
        )
    fig.update_layout(
        title=_("Every rating per item, items sorted by score"),
        xaxis={"range": [fw.low - 0.5, fw.high + 0.5], "dtick": 1, "title": _("Score")},
        yaxis={"categoryorder": "array", "categoryarray": labels},
        height=max(320, 34 * len(labels) + 120),
    )
    return _figure(fig)


__all__ = ["dot_plot", "radar"]
