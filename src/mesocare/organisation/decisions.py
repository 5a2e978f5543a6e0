"""Whether a decision of a governance body passes: a pure function of the members' votes and the
body's rule (no database).

A body's voting members sit in clusters (a zorgraad has four; a CPTS general assembly one). A
decision passes only when **every voting cluster** passes (the Flemish zorgraad's "majority in
each of the four clusters"). A cluster passes when

- its **quorum** is met: ``present >= ceil(quorum_share × members)`` (``present`` counts ``for``,
  ``against`` and ``abstain``; ``absent`` is not present). With ``quorum = "overall"`` the quorum
  is counted once over all voting members; with ``"none"`` there is none;
- its **majority** is reached: ``for > majority_share × base`` (strictly more: a tie fails), where
  the base is, by ``majority_of``:

  - ``"votes_cast"``: ``for + against`` (abstentions are not votes cast), plus ``abstain`` when
    ``abstentions_count`` is true;
  - ``"present"``: the members present (an abstention then weighs as a vote against);
  - ``"members"``: every voting member of the cluster, present or not.

A cluster with no member never passes (nobody voted for). Members of a cluster that does not vote
(the zorgraad's extra members: ``votes = false`` in the template) are tallied but do not decide.

Invariants (tested with Hypothesis): a decision passes iff every voting cluster passes; turning
any vote into ``for`` never turns a pass into a fail; the order of the votes does not matter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mesocare.i18n import N_


class Vote(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    ABSENT = "absent"


VOTE_LABELS: dict[str, str] = {
    "for": N_("for"),
    "against": N_("against"),
    "abstain": N_("abstain"),
    "absent": N_("absent"),
}


class DecisionRule(BaseModel):
    """How a body decides (parameters of its template; each value cites its source there)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quorum: Literal["each_cluster", "overall", "none"] = "each_cluster"
    #: the share of the voting members that must be present
    quorum_share: float = Field(default=0.5, ge=0, le=1)
    majority_of: Literal["votes_cast", "present", "members"] = "votes_cast"
    #: "for" must be strictly more than this share of the base (0.5: a simple majority)
    majority_share: float = Field(default=0.5, ge=0, lt=1)
    #: with ``majority_of = "votes_cast"``: whether an abstention is a vote cast
    abstentions_count: bool = False
    #: where the rule comes from, and which of its values are assumptions
    source: str = ""
    assumptions: str = ""


@dataclass(frozen=True)
class Ballot:
    """One member's vote in one cluster."""

    member: int
    cluster: str
    vote: Vote


@dataclass(frozen=True)
class ClusterTally:
    cluster: str
    votes: bool
    members: int
    for_: int
    against: int
    abstain: int
    absent: int
    quorum_needed: int
    quorum_met: bool
    #: the base of the majority and the smallest number of "for" votes that reaches it
    base: int
    majority_needed: int
    majority_met: bool

    @property
    def present(self) -> int:
        return self.for_ + self.against + self.abstain

    @property
    def passed(self) -> bool:
        return self.quorum_met and self.majority_met


@dataclass(frozen=True)
class Outcome:
    passed: bool
    clusters: tuple[ClusterTally, ...]
    #: with ``quorum = "overall"``: the body's quorum (members present, needed)
    overall_present: int
    overall_needed: int
    overall_quorum_met: bool

    @property
    def failing(self) -> tuple[ClusterTally, ...]:
        return tuple(c for c in self.clusters if c.votes and not c.passed)


def _share(x: float) -> Fraction:
    """The share as an exact fraction (``2/3`` given as 0.666… is two thirds)."""
    return Fraction(x).limit_denominator(1000)


def _quorum(members: int, share: float) -> int:
    return math.ceil(_share(share) * members)


def _majority_needed(base: int, share: float) -> int:
    """The smallest integer strictly above ``share × base``."""
    return math.floor(_share(share) * base) + 1


def decide(
    ballots: Iterable[Ballot],
    rule: DecisionRule,
    clusters: Mapping[str, bool],
) -> Outcome:
    """The outcome of a decision. ``clusters``: every cluster of the body, in order, and whether
    it votes; a ballot of a cluster not listed is refused (``ValueError``)."""
    counts: dict[str, dict[Vote, int]] = {c: dict.fromkeys(Vote, 0) for c in clusters}
    seen: set[int] = set()
    for b in ballots:
        if b.cluster not in counts:
            raise ValueError(f"ballot of member {b.member} in unknown cluster {b.cluster!r}")
        if b.member in seen:
            raise ValueError(f"member {b.member} voted twice")
        seen.add(b.member)
        counts[b.cluster][Vote(b.vote)] += 1

    voting = [c for c, v in clusters.items() if v]
    total_members = sum(sum(counts[c].values()) for c in voting)
    total_present = sum(sum(n for v, n in counts[c].items() if v != Vote.ABSENT) for c in voting)
    overall_needed = _quorum(total_members, rule.quorum_share) if rule.quorum == "overall" else 0
    overall_met = total_present >= overall_needed

    tallies = []
    for c, votes in clusters.items():
        n = counts[c]
        members = sum(n.values())
        present = n[Vote.FOR] + n[Vote.AGAINST] + n[Vote.ABSTAIN]
        if rule.quorum == "each_cluster":
            q_needed = _quorum(members, rule.quorum_share)
            q_met = present >= q_needed
        else:
            q_needed, q_met = 0, overall_met
        if rule.majority_of == "votes_cast":
            base = (
                n[Vote.FOR] + n[Vote.AGAINST] + (n[Vote.ABSTAIN] if rule.abstentions_count else 0)
            )
        elif rule.majority_of == "present":
            base = present
        else:
            base = members
        needed = _majority_needed(base, rule.majority_share)
        tallies.append(
            ClusterTally(
                cluster=c,
                votes=votes,
                members=members,
                for_=n[Vote.FOR],
                against=n[Vote.AGAINST],
                abstain=n[Vote.ABSTAIN],
                absent=n[Vote.ABSENT],
                quorum_needed=q_needed,
                quorum_met=q_met,
                base=base,
                majority_needed=needed,
                majority_met=members > 0 and n[Vote.FOR] >= needed,
            )
        )
    passed = bool(voting) and all(t.passed for t in tallies if t.votes)
    return Outcome(
        passed=passed,
        clusters=tuple(tallies),
        overall_present=total_present,
        overall_needed=overall_needed,
        overall_quorum_met=overall_met,
    )


__all__ = ["VOTE_LABELS", "Ballot", "ClusterTally", "DecisionRule", "Outcome", "Vote", "decide"]
