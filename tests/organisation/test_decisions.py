"""The decision rule of a governance body: hand-built cases whose answer is known (ties,
abstentions, a missing quorum in one cluster, one cluster without a majority, unanimity) and
Hypothesis invariants."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesocare.organisation.decisions import Ballot, DecisionRule, Vote, decide
from mesocare.organisation.governance import template

ZORGRAAD = template("zorgraad").organ("council")
CLUSTERS = ZORGRAAD.voting  # four voting clusters and the extra members
FOUR = ("care_providers", "welfare", "local_government", "patients")
F, A, X = Vote.FOR, Vote.AGAINST, Vote.ABSTAIN


def ballots(**per_cluster: str) -> list[Ballot]:
    """``care_providers="FFAX"``: one ballot per letter (F for, A against, X abstain, O absent)."""
    code = {"F": F, "A": A, "X": X, "O": Vote.ABSENT}
    out, n = [], 0
    for cluster, letters in per_cluster.items():
        for ch in letters:
            n += 1
            out.append(Ballot(n, cluster, code[ch]))
    return out


def zorgraad(**per_cluster: str):  # type: ignore[no-untyped-def]
    return decide(ballots(**per_cluster), ZORGRAAD.decision, CLUSTERS)


def failing(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.cluster for c in outcome.failing]


def test_a_majority_in_every_cluster_passes() -> None:
    o = zorgraad(care_providers="FFFA", welfare="FFFA", local_government="FFAX", patients="FF")
    assert o.passed and failing(o) == []


def test_unanimous_passes() -> None:
    o = zorgraad(care_providers="FFFF", welfare="FFFF", local_government="FFFF", patients="FF")
    assert o.passed
    assert [c.for_ for c in o.clusters if c.votes] == [4, 4, 4, 2]


def test_one_cluster_without_a_majority_fails_even_with_a_large_overall_majority() -> None:
    # 13 for, 3 against overall, but the patients are split 1-1... and welfare votes against
    o = zorgraad(care_providers="FFFFFF", welfare="FFFF", local_government="FFFA", patients="AA")
    assert not o.passed and failing(o) == ["patients"]
    patients = o.clusters[3]
    assert (patients.for_, patients.against, patients.majority_needed) == (0, 2, 2)


def test_a_tie_in_one_cluster_fails() -> None:
    o = zorgraad(care_providers="FFAA", welfare="FFFF", local_government="FFFF", patients="FF")
    assert not o.passed and failing(o) == ["care_providers"]
    assert o.clusters[0].majority_needed == 3  # strictly more than half of 4 votes cast


def test_abstentions_are_not_votes_cast_under_the_zorgraad_rule() -> None:
    # 1 for, 0 against, 3 abstain: a majority of the votes cast (1 of 1), quorum 4 of 4 present
    o = zorgraad(care_providers="FXXX", welfare="FFFF", local_government="FFFF", patients="FX")
    assert o.passed
    # all abstain: nobody voted for
    o = zorgraad(care_providers="XXXX", welfare="FFFF", local_government="FFFF", patients="FF")
    assert failing(o) == ["care_providers"]


def test_abstentions_count_against_when_the_majority_is_of_members_present() -> None:
    rule = DecisionRule(majority_of="present")
    b = ballots(care_providers="FFXX", welfare="FFFF", local_government="FFFF", patients="FF")
    assert [c.cluster for c in decide(b, rule, CLUSTERS).failing] == ["care_providers"]
    counted = DecisionRule(abstentions_count=True)
    assert not decide(b, counted, CLUSTERS).passed
    assert decide(b, ZORGRAAD.decision, CLUSTERS).passed  # 2 for, 0 against cast


def test_missing_quorum_in_one_cluster_fails() -> None:
    # local government: 1 of 4 present (needs 2), unanimous for
    o = zorgraad(care_providers="FFFF", welfare="FFFF", local_government="FOOO", patients="FF")
    assert not o.passed and failing(o) == ["local_government"]
    lg = o.clusters[2]
    assert (lg.present, lg.quorum_needed, lg.quorum_met, lg.majority_met) == (1, 2, False, True)
    # 2 of 4 present is a quorum (half)
    o = zorgraad(care_providers="FFFF", welfare="FFFF", local_government="FFOO", patients="FO")
    assert o.passed


def test_an_overall_quorum_counts_all_voting_members_once() -> None:
    rule = DecisionRule(quorum="overall", quorum_share=0.5)
    # 6 of 14 voting members present: no quorum, although each present cluster is unanimous
    b = ballots(care_providers="FFOO", welfare="FFOO", local_government="FOOO", patients="FO")
    o = decide(b, rule, CLUSTERS)
    assert (o.overall_present, o.overall_needed, o.overall_quorum_met, o.passed) == (
        6,
        7,
        False,
        False,
    )
    b = ballots(care_providers="FFOO", welfare="FFOO", local_government="FFOO", patients="FO")
    assert decide(b, rule, CLUSTERS).passed


def test_the_extra_members_do_not_decide() -> None:
    o = zorgraad(
        care_providers="FFFF", welfare="FFFF", local_government="FFFF", patients="FF", extra="AAAA"
    )
    assert o.passed
    extra = o.clusters[4]
    assert (extra.cluster, extra.votes, extra.against) == ("extra", False, 4)


def test_a_cluster_with_no_member_fails() -> None:
    o = zorgraad(care_providers="FFFF", welfare="FFFF", local_government="FFFF")
    assert failing(o) == ["patients"]


def test_majority_of_members_counts_the_absent() -> None:
    rule = DecisionRule(majority_of="members", quorum="none")
    b = ballots(care_providers="FFOO", welfare="FFFF", local_government="FFFF", patients="FF")
    assert [c.cluster for c in decide(b, rule, CLUSTERS).failing] == ["care_providers"]


def test_more_than_two_thirds() -> None:
    rule = DecisionRule(majority_share=2 / 3)
    ok = ballots(care_providers="FFFA", welfare="FFFF", local_government="FFFF", patients="FF")
    assert decide(ok, rule, CLUSTERS).passed  # 3 > 2/3 × 4
    exact = ballots(care_providers="FFA", welfare="FFFF", local_government="FFFF", patients="FF")
    o = decide(exact, rule, CLUSTERS)
    assert not o.passed and o.clusters[0].majority_needed == 3  # 2 is not more than 2/3 × 3


def test_cpts_general_assembly() -> None:
    ga = template("cpts-association").organ("general_assembly")
    # 3 of 12 present is a quarter: quorum; 2 for, 1 against
    b = ballots(members="FFA" + "O" * 9)
    assert decide(b, ga.decision, ga.voting).passed
    b = ballots(members="FA" + "O" * 10)
    assert not decide(b, ga.decision, ga.voting).passed  # 2 of 12 present, and a tie


def test_a_ballot_of_an_unknown_cluster_or_a_double_vote_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown cluster"):
        decide([Ballot(1, "nowhere", F)], ZORGRAAD.decision, CLUSTERS)
    with pytest.raises(ValueError, match="twice"):
        decide([Ballot(1, "welfare", F), Ballot(1, "welfare", A)], ZORGRAAD.decision, CLUSTERS)


# ----- invariants ------------------------------------------------------------------------------
votes = st.sampled_from(list(Vote))
rules = st.builds(
    DecisionRule,
    quorum=st.sampled_from(["each_cluster", "overall", "none"]),
    quorum_share=st.sampled_from([0.0, 0.25, 0.5, 2 / 3, 1.0]),
    majority_of=st.sampled_from(["votes_cast", "present", "members"]),
    majority_share=st.sampled_from([0.0, 0.5, 0.6, 2 / 3, 0.75]),
    abstentions_count=st.booleans(),
)
bodies = st.lists(st.tuples(st.sampled_from([*FOUR, "extra"]), votes), min_size=0, max_size=30).map(
    lambda vs: [Ballot(i, c, v) for i, (c, v) in enumerate(vs)]
)


@given(bodies, rules)
def test_passes_iff_every_voting_cluster_passes(b: list[Ballot], rule: DecisionRule) -> None:
    o = decide(b, rule, CLUSTERS)
    assert o.passed == all(c.passed for c in o.clusters if c.votes)
    # and each cluster's answer is its quorum and its majority
    for c in o.clusters:
        assert c.passed == (c.quorum_met and c.majority_met)
        share = Fraction(rule.majority_share).limit_denominator(1000)
        assert c.majority_met == (c.members > 0 and c.for_ > share * c.base)


@given(bodies, rules, st.data())
def test_turning_a_vote_into_for_never_turns_a_pass_into_a_fail(
    b: list[Ballot], rule: DecisionRule, data: st.DataObject
) -> None:
    if not b:
        return
    i = data.draw(st.integers(0, len(b) - 1))
    changed = [*b[:i], Ballot(b[i].member, b[i].cluster, F), *b[i + 1 :]]
    if decide(b, rule, CLUSTERS).passed:
        assert decide(changed, rule, CLUSTERS).passed


@given(bodies, rules, st.randoms(use_true_random=False))
def test_the_order_of_the_votes_does_not_matter(b: list[Ballot], rule: DecisionRule, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(b)
    rnd.shuffle(shuffled)
    assert decide(shuffled, rule, CLUSTERS) == decide(b, rule, CLUSTERS)


@given(st.lists(st.integers(1, 6), min_size=4, max_size=4), rules)
def test_unanimous_and_all_present_passes_under_any_rule(
    sizes: list[int], rule: DecisionRule
) -> None:
    b = [
        Ballot(i, c, F)
        for i, c in enumerate(c for c, n in zip(FOUR, sizes, strict=True) for _ in range(n))
    ]
    assert decide(b, rule, CLUSTERS).passed


@given(bodies, rules)
def test_everyone_against_never_passes(b: list[Ballot], rule: DecisionRule) -> None:
    against = [Ballot(x.member, x.cluster, A) for x in b]
    assert not decide(against, rule, CLUSTERS).passed
