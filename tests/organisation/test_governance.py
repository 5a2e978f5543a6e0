"""The governance templates shipped as data, and the check of a body's composition."""

from __future__ import annotations

import pytest

from mesocare.errors import NotFoundError, ParameterError
from mesocare.i18n import use_locale
from mesocare.organisation.governance import Template, check_composition, template, templates
from mesocare.params import parse

COUNCIL = template("zorgraad").organ("council")
FULL = {"care_providers": 4, "welfare": 5, "local_government": 6, "patients": 2}


def test_the_zorgraad_has_four_voting_clusters_and_extra_members_with_their_rules() -> None:
    rules = {c.id: (c.min_seats, c.max_seats, c.votes) for c in COUNCIL.clusters}
    assert rules == {
        "care_providers": (4, 6, True),
        "welfare": (4, 6, True),
        "local_government": (4, 6, True),
        "patients": (2, 3, True),
        "extra": (0, 4, False),
    }
    assert all("BVR 17 May 2019" in c.source for c in COUNCIL.clusters)
    assert "each of the four clusters" in COUNCIL.decision.source


def test_every_template_has_labels_in_three_languages_and_a_source() -> None:
    assert [t.name for t in templates()] == ["zorgraad", "cpts-association"]
    cpts = template("cpts-association")
    assert [o.id for o in cpts.organs] == ["general_assembly", "board"]
    for t in templates():
        for o in t.organs:
            assert o.decision.source and o.label.nl and o.label.fr and o.label.en
            for c in o.clusters:
                assert c.source and c.label.get("fr") != ""
    assert cpts.organ("board").label.get("fr") == "Conseil d'administration"
    with pytest.raises(NotFoundError, match="zorgraad, cpts-association"):
        template("senate")


def test_a_full_composition_breaks_no_rule_and_counts_vacancies() -> None:
    seats = {**FULL, "extra": 2}
    members = {"care_providers": 4, "welfare": 4, "local_government": 6, "patients": 2}
    c = check_composition(COUNCIL, seats, members)
    assert c.ok
    assert {s.cluster: s.vacancies for s in c.clusters}["welfare"] == 1


@pytest.mark.parametrize(
    ("seats", "members", "cluster", "rule"),
    [
        ({**FULL, "care_providers": 3}, {}, "care_providers", "seats_below"),
        ({**FULL, "local_government": 7}, {}, "local_government", "seats_above"),
        ({**FULL, "patients": 1}, {}, "patients", "seats_below"),
        ({**FULL, "patients": 4}, {}, "patients", "seats_above"),
        ({**FULL, "extra": 5}, {}, "extra", "seats_above"),
        (FULL, {"welfare": 6}, "welfare", "members_above_seats"),
        (FULL, {"senate": 1}, "senate", "unknown_cluster"),
    ],
)
def test_each_broken_rule_is_named_with_its_cluster(
    seats: dict[str, int], members: dict[str, int], cluster: str, rule: str
) -> None:
    c = check_composition(COUNCIL, seats, members)
    assert [(b.cluster, b.rule) for b in c.breaches] == [(cluster, rule)]


def test_the_message_names_the_cluster_and_the_rule_in_the_users_language() -> None:
    seats = {**FULL, "patients": 4}
    with use_locale("nl"):
        (b,) = check_composition(COUNCIL, seats, {}).breaches
        assert "Patiënten, mantelzorgers en vrijwilligers" in b.message
        assert "3" in b.message and "BVR 17 May 2019" in b.message
    with use_locale("en"):
        (b,) = check_composition(COUNCIL, seats, {}).breaches
        assert b.message.startswith("cluster Patients, informal carers and volunteers: 4 seats")
        assert "more than the 3" in b.message


def test_a_malformed_template_names_its_key() -> None:
    text = """
name = "x"
label = { nl = "x", fr = "x", en = "x" }
source = "s"
[[organs]]
id = "o"
label = { nl = "x", fr = "x", en = "x" }
decision = { majority_of = "shouting" }
[[organs.clusters]]
id = "c"
label = { nl = "x", fr = "x", en = "x" }
min_seats = 1
max_seats = 2
source = "s"
"""
    with pytest.raises(ParameterError, match=r"organs\.0\.decision\.majority_of"):
        parse(text, Template, file="x.toml")
