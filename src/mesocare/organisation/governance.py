"""Governance bodies as templates shipped as data, and the check of a body's composition.

A template (``organisation/bodies/<name>.toml``: ``zorgraad``, ``cpts-association``) has one or
more organs (the zorgraad itself; a CPTS's general assembly and board); an organ has clusters with
their seat ranges and a :class:`~mesocare.organisation.decisions.DecisionRule`. Every rule carries
its source, or says it is an assumption. Labels are in the file in nl, fr and en.

:func:`check_composition` is pure: the seats a body gives each cluster and the members sitting in
it, against the organ's rules; each broken rule is a :class:`Breach` with a translated message that
names the cluster and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mesocare.errors import NotFoundError
from mesocare.i18n import _, current_language, ngettext
from mesocare.organisation.decisions import DecisionRule
from mesocare.params import parse

TEMPLATE_NAMES = ("zorgraad", "cpts-association")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(_Strict):
    nl: str
    fr: str
    en: str

    def get(self, lang: str | None = None) -> str:
        return str(getattr(self, lang or current_language(), self.en))


class ClusterRule(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    label: Labels
    min_seats: int = Field(ge=0)
    max_seats: int = Field(ge=1)
    #: whether its members' votes decide (the zorgraad's extra members: an assumption, no)
    votes: bool = True
    source: str

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.min_seats > self.max_seats:
            raise ValueError("min_seats is above max_seats")
        return self


class Organ(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    label: Labels
    decision: DecisionRule
    clusters: tuple[ClusterRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [c.id for c in self.clusters]
        if len(set(ids)) != len(ids):
            raise ValueError("two clusters have the same id")
        if not any(c.votes for c in self.clusters):
            raise ValueError("no cluster votes")
        return self

    def cluster(self, cid: str) -> ClusterRule:
        for c in self.clusters:
            if c.id == cid:
                return c
        raise NotFoundError(_("no cluster {cluster} in this body").format(cluster=cid))

    @property
    def voting(self) -> dict[str, bool]:
        """Every cluster, in order, and whether it votes (what :func:`decide` takes)."""
        return {c.id: c.votes for c in self.clusters}

    def default_seats(self) -> dict[str, int]:
        return {c.id: c.min_seats for c in self.clusters}


class Template(_Strict):
    name: str
    label: Labels
    source: str
    organs: tuple[Organ, ...] = Field(min_length=1)

    def organ(self, oid: str) -> Organ:
        for o in self.organs:
            if o.id == oid:
                return o
        raise NotFoundError(
            _("no organ {organ} in template {template}").format(organ=oid, template=self.name)
        )


def kind_label(t: Template, organ: str) -> str:
    """A body's kind as people call it: its template's name, and its organ's when the template
    has several (a CPTS association's general assembly and board)."""
    if len(t.organs) == 1:
        return t.label.get()
    return f"{t.label.get()} · {t.organ(organ).label.get()}"


@lru_cache(maxsize=8)
def template(name: str) -> Template:
    """A shipped template by name (``NotFoundError`` naming the known ones)."""
    if name not in TEMPLATE_NAMES:
        raise NotFoundError(
            _("no governance template {name}; known: {known}").format(
                name=name, known=", ".join(TEMPLATE_NAMES)
            )
        )
    path = f"bodies/{name}.toml"
    text = resources.files("mesocare.organisation").joinpath(path).read_text("utf-8")
    return parse(text, Template, file=f"organisation/{path}")


def templates() -> list[Template]:
    return [template(n) for n in TEMPLATE_NAMES]


@dataclass(frozen=True)
class Breach:
    """One composition rule a body breaks."""

    cluster: str
    #: "seats_below", "seats_above", "members_above_seats", "unknown_cluster"
    rule: str
    found: int
    expected: str
    message: str


@dataclass(frozen=True)
class ClusterSeats:
    cluster: str
    seats: int
    members: int
    min_seats: int
    max_seats: int
    source: str

    @property
    def vacancies(self) -> int:
        return max(0, self.seats - self.members)


@dataclass(frozen=True)
class Composition:
    clusters: tuple[ClusterSeats, ...]
    breaches: tuple[Breach, ...]

    @property
    def ok(self) -> bool:
        return not self.breaches


def check_composition(
    organ: Organ, seats: Mapping[str, int], members: Mapping[str, int]
) -> Composition:
    """The body's seats per cluster (the body's choice, within the rule) and members sitting in
    each, against the organ's rules. A cluster the seats do not give has its minimum."""
    out, breaches = [], []
    for c in organ.clusters:
        label = c.label.get()
        n_seats = int(seats.get(c.id, c.min_seats))
        n_members = int(members.get(c.id, 0))
        out.append(ClusterSeats(c.id, n_seats, n_members, c.min_seats, c.max_seats, c.source))
        if n_seats < c.min_seats:
            breaches.append(
                Breach(
                    c.id,
                    "seats_below",
                    n_seats,
                    f">= {c.min_seats}",
                    ngettext(
                        "cluster {cluster}: {found} seat, fewer than the {min} the rule asks "
                        "for ({source})",
                        "cluster {cluster}: {found} seats, fewer than the {min} the rule asks "
                        "for ({source})",
                        n_seats,
                    ).format(cluster=label, found=n_seats, min=c.min_seats, source=c.source),
                )
            )
        if n_seats > c.max_seats:
            breaches.append(
                Breach(
                    c.id,
                    "seats_above",
                    n_seats,
                    f"<= {c.max_seats}",
                    _(
                        "cluster {cluster}: {found} seats, more than the {max} the rule allows "
                        "({source})"
                    ).format(cluster=label, found=n_seats, max=c.max_seats, source=c.source),
                )
            )
        if n_members > n_seats:
            breaches.append(
                Breach(
                    c.id,
                    "members_above_seats",
                    n_members,
                    f"<= {n_seats}",
                    _(
                        "cluster {cluster}: {found} members for {seats} seats; give it a seat "
                        "first (the rule allows {max})"
                    ).format(cluster=label, found=n_members, seats=n_seats, max=c.max_seats),
                )
            )
    known = {c.id for c in organ.clusters}
    for cid in sorted(set(seats) | set(members)):
        if cid not in known:
            breaches.append(
                Breach(
                    cid,
                    "unknown_cluster",
                    int(members.get(cid, 0)),
                    ", ".join(sorted(known)),
                    _("{cluster} is not a cluster of this body").format(cluster=cid),
                )
            )
    return Composition(tuple(out), tuple(breaches))


__all__ = [
    "TEMPLATE_NAMES",
    "Breach",
    "ClusterRule",
    "ClusterSeats",
    "Composition",
    "Labels",
    "Organ",
    "Template",
    "check_composition",
    "kind_label",
    "template",
    "templates",
]
