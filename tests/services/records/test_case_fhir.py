"""A case as a FHIR R4 Bundle: export is valid and pseudonymous, import gives back an identical
case, and twenty kinds of malformed bundle are refused, naming the entry, with nothing stored."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from tests.platform_fixtures import Served, make_platform
from tests.services.records.test_cases import NURSE, ctx, workflow

from mesocare.errors import ValidationError
from mesocare.services.platform import case_fhir as F
from mesocare.services.platform import case_fhir_import as FI
from mesocare.services.platform import cases as C
from mesocare.store.models_cases import Case, CaseGoal


def _export(served: Served) -> tuple[dict[str, Any], int]:
    ids = workflow(served)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        return F.export_bundle(s, ids["case"], ctx(served, NURSE)), ids["case"]


def _shape(d: Any) -> dict[str, Any]:
    """A case as read, without its database ids (references as positions)."""
    team = {t.id: k for k, t in enumerate(d.team)}
    probs = {p.id: k for k, p in enumerate(d.problems)}
    return {
        "code": d.code,
        "goals": [
            (
                g.text,
                g.expressed_by
                if not g.expressed_by.startswith("team:")
                else team[int(g.expressed_by[5:])],
                g.shared_with,
            )
            for g in d.goals
        ],
        "problems": [(p.domain, p.text, p.icpc2, p.shared_with) for p in d.problems],
        "priority": [probs[i] for i in d.priority],
        "team": [
            (t.actor_id, t.user, t.role, t.added_value, t.category, t.start, t.end) for t in d.team
        ],
        "actions": [
            (
                a.kind,
                a.text,
                probs.get(a.problem_id),
                team.get(a.performer_id),
                a.status,
                a.result,
                a.shared_with,
            )
            for a in d.actions
        ],
        "consents": [
            (c.category, c.given_on, c.expires_on, c.revoked_at, c.active) for c in d.consents
        ],
    }


def test_export_is_valid_fhir_and_pseudonymous(served: Served) -> None:
    bundle, _cid = _export(served)
    Bundle.model_validate(bundle)
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    for t in (
        "Patient",
        "Goal",
        "Condition",
        "CarePlan",
        "CareTeam",
        "ServiceRequest",
        "Task",
        "Consent",
    ):
        assert t in types
    patient = bundle["entry"][0]["resource"]
    assert set(patient) == {"resourceType", "id", "identifier"}
    assert patient["identifier"][0]["value"] == "ANT-0001"
    goal = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal")
    assert goal["expressedBy"] == {"reference": "Patient/patient"}


def test_export_then_import_is_identical(
    served: Served, platform_data: Path, tmp_path: Path
) -> None:
    bundle, cid = _export(served)
    with served.platform.session(write=True) as s:  # type: ignore[attr-defined]
        original = _shape(C.read_case(s, cid, ctx(served, NURSE)))
    other = make_platform(platform_data, f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "o")
    try:
        from tests.services.records.test_cases import _users

        _users(other)
        p: Any = other.platform
        with p.session(write=True) as s:
            new = FI.import_bundle(
                s, p.entry("leuven"), "Z01", json.dumps(bundle), ctx(other, NURSE)
            )
        with p.session(write=True) as s:
            assert _shape(C.read_case(s, new, ctx(other, NURSE))) == original
    finally:
        p.close()


def _res(b: dict[str, Any], rt: str) -> dict[str, Any]:
    return next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == rt)


def _index(b: dict[str, Any], rt: str) -> int:
    return next(i for i, e in enumerate(b["entry"], 1) if e["resource"]["resourceType"] == rt)


def _set(rt: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def f(b: dict[str, Any]) -> None:
        _res(b, rt)[key] = value

    return f


def _drop(rt: str, key: str) -> Callable[[dict[str, Any]], None]:
    def f(b: dict[str, Any]) -> None:
        _res(b, rt).pop(key)

    return f


def _add(resource: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def f(b: dict[str, Any]) -> None:
        b["entry"].append({"resource": resource})

    return f


def _whole(new: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda b: new


# (what is wrong, how to break a good bundle, what the message names)
MALFORMED: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("not JSON", _whole("{not json"), "not a JSON document"),
    ("not a bundle", _whole({"resourceType": "Patient", "id": "x"}), "not a FHIR Bundle"),
    ("no entries", lambda b: b.update(entry=[]), "no entries"),
    ("entry without resource", lambda b: b["entry"].insert(0, {}), "entry 1 (?)"),
    ("unknown type", _add({"resourceType": "Nonsense", "id": "n"}), "(Nonsense)"),
    (
        "type not of a case",
        _add({"resourceType": "Observation", "id": "o", "status": "final", "code": {"text": "x"}}),
        "(Observation)",
    ),
    ("Goal without description", _drop("Goal", "description"), "(Goal): description"),
    ("Goal not active", _set("Goal", "lifecycleStatus", "cancelled"), "(Goal)"),
    (
        "two patients",
        _add(
            {
                "resourceType": "Patient",
                "id": "p2",
                "identifier": [{"system": F.CODE_SYSTEM, "value": "X-1"}],
            }
        ),
        "exactly one Patient",
    ),
    (
        "patient with a name",
        _set("Patient", "name", [{"family": "Peeters"}]),
        "(Patient): a case is pseudonymous: no name",
    ),
    ("patient with a birth date", _set("Patient", "birthDate", "1950-01-01"), "no birthDate"),
    ("patient without case code", _set("Patient", "identifier", []), "(Patient)"),
    (
        "bad case code",
        _set("Patient", "identifier", [{"system": F.CODE_SYSTEM, "value": "a b"}]),
        "(Patient): code",
    ),
    (
        "dangling reference",
        _set("Goal", "expressedBy", {"reference": "PractitionerRole/nope"}),
        "(Goal): refers to",
    ),
    (
        "unknown ICPC-2 code",
        _set("Condition", "code", {"text": "x", "coding": [{"system": F.ICPC2, "code": "Z99"}]}),
        "(Condition): icpc2",
    ),
    ("problem without domain", _drop("Condition", "category"), "(Condition): a problem has one"),
    (
        "unknown consent category",
        _set(
            "Consent", "category", [{"coding": [{"system": F.CATEGORY_SYSTEM, "code": "insurer"}]}]
        ),
        "(Consent): category",
    ),
    (
        "consent ends before it starts",
        _set("Consent", "provision", {"period": {"start": "2026-05-01", "end": "2026-01-01"}}),
        "(Consent)",
    ),
    (
        "unknown sharing label",
        _set("Goal", "meta", {"security": [{"system": F.SHARED_SYSTEM, "code": "everyone"}]}),
        "(Goal): unknown sharing label",
    ),
    ("task status outside the loop", _set("Task", "status", "draft"), "(Task): status"),
    (
        "duplicate id",
        lambda b: b["entry"].append(copy.deepcopy(b["entry"][0])),
        "(Patient): every resource needs an id",
    ),
    (
        "team period reversed",
        _set("PractitionerRole", "period", {"start": "2026-05-01", "end": "2026-01-01"}),
        "(PractitionerRole)",
    ),
]


def test_twenty_kinds_of_malformed_bundle_are_refused(served: Served) -> None:
    assert len(MALFORMED) >= 20
    good, _cid = _export(served)
    p: Any = served.platform
    with p.session() as s:
        cases, goals = s.query(Case).count(), s.query(CaseGoal).count()
    failures = []
    for what, breaker, expected in MALFORMED:
        b = copy.deepcopy(good)
        b["entry"][0]["resource"]["identifier"][0]["value"] = "IMP-1"  # a new code
        out = breaker(b)
        raw = out if out is not None else b
        try:
            with p.session(write=True) as s:
                FI.import_bundle(
                    s,
                    p.entry("leuven"),
                    "Z01",
                    raw if isinstance(raw, str) else json.dumps(raw),
                    ctx(served, NURSE),
                )
        except ValidationError as exc:
            if expected not in str(exc):
                failures.append(f"{what}: {exc}")
            for secret in ("Ik wil", "Peeters"):
                assert secret not in str(exc)
        else:
            failures.append(f"{what}: accepted")
    assert not failures, "\n".join(failures)
    with p.session() as s:
        assert (s.query(Case).count(), s.query(CaseGoal).count()) == (cases, goals)


def test_the_entry_number_is_that_of_the_bundle(served: Served) -> None:
    good, _cid = _export(served)
    good["entry"][0]["resource"]["identifier"][0]["value"] = "IMP-2"
    _res(good, "Condition").pop("category")
    n = _index(good, "Condition")
    with pytest.raises(ValidationError, match=f"entry {n} \\(Condition\\)"):
        FI.plan_of(F.parse_bundle(good))
