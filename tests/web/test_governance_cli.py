"""``mesocare governance members import`` and ``mesocare governance export`` as a user types them:
every row or none (a malformed CSV or a row the composition rules refuse names the row and stores
nothing), and the export's composition, meetings and per-cluster tallies."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.web.test_cli import run

from mesocare.organisation.decisions import Vote
from mesocare.organisation.governance_records import (
    BodyCreate,
    DecisionCreate,
    ItemCreate,
    MeetingCreate,
    VotesIn,
)

HEADER = "cluster,name,organisation,actor_id,since\n"
FULL = {"care_providers": 4, "welfare": 4, "local_government": 4, "patients": 2}


@pytest.fixture
def data(platform_data: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "leuven").symlink_to(platform_data / "leuven")
    shutil.copytree(platform_data / ".mesocare-cache", folder / ".mesocare-cache")
    return folder


def _platform(data: Path, url: str) -> Any:
    from mesocare.services.platform import Platform

    return Platform(data, url)


def _body(data: Path, url: str, zone: str = "Z01") -> int:
    from mesocare.services.platform import governance as G
    from mesocare.services.platform.records import Ctx

    p = _platform(data, url)
    with p.session(write=True) as s:
        b = G.create_body(
            s,
            p.entry("leuven"),
            zone,
            BodyCreate(template="zorgraad", organ="council", name=f"Zorgraad {zone}"),
            Ctx.system(p, "test"),
        )
        return b.id


def _members(data: Path, url: str, body: int) -> list[tuple[str, str]]:
    from mesocare.services.platform import governance as G

    p = _platform(data, url)
    with p.session() as s:
        return [(m.cluster, m.name) for m in G.members_of(s, body)]


def _csv(tmp_path: Path, name: str, text: str) -> str:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return str(f)


def test_a_malformed_csv_or_a_row_the_rules_refuse_is_refused_naming_the_row_and_nothing_stored(
    data: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'gov.db'}"
    db = ["--data", str(data), "--db", url]
    body = _body(data, url)
    bad = _csv(
        tmp_path,
        "bad.csv",
        HEADER
        + "care_providers,An Peeters,Huisartsenkring,,2026-01-01\n"
        + "welfare,Els Wouters,OCMW,,2026-13-01\n"
        + "Not A Cluster,Jan Dubois,,,\n",
    )
    r = run("governance", "members", "import", "Z01", bad, "--body", str(body), *db)
    assert r.returncode == 2, r.stdout
    assert "2 bad rows, nothing imported" in (r.stdout + r.stderr)
    assert "row 3: since" in (r.stdout + r.stderr) and "row 4: cluster" in (r.stdout + r.stderr)
    assert "row 2" not in (r.stdout + r.stderr) and "Traceback" not in (r.stdout + r.stderr)
    assert _members(data, url, body) == []

    # well-formed, but a third patient is more than the cluster's seats: the row is named
    over = _csv(
        tmp_path,
        "over.csv",
        HEADER + "".join(f"patients,Patient {i},,,\n" for i in range(3)),
    )
    r = run("governance", "members", "import", "Z01", over, "--body", str(body), *db)
    assert (
        r.returncode == 2
        and "row 4:" in (r.stdout + r.stderr)
        and "row 3" not in (r.stdout + r.stderr)
    ), r.stdout + r.stderr
    assert _members(data, url, body) == []  # not even the two that fit

    unknown = _csv(tmp_path, "unknown.csv", "cluster,name,phone\npatients,X,123\n")
    r = run("governance", "members", "import", "Z01", unknown, "--body", str(body), *db)
    assert (
        r.returncode == 2
        and "unknown column" in (r.stdout + r.stderr)
        and "phone" in (r.stdout + r.stderr)
    )
    other = _body(data, url, "Z02")
    fine = _csv(tmp_path, "fine.csv", HEADER + "patients,Marie Hermans,,,\n")
    r = run("governance", "members", "import", "Z01", fine, "--body", str(other), *db)
    assert r.returncode == 2 and "not a body of zone Z01" in (r.stdout + r.stderr)
    assert _members(data, url, other) == []


def test_members_imported_then_the_body_exported_with_its_tallies(
    data: Path, tmp_path: Path
) -> None:
    from mesocare.services.platform import governance as G
    from mesocare.services.platform import governance_meetings as M
    from mesocare.services.platform.records import Ctx

    url = f"sqlite:///{tmp_path / 'gov.db'}"
    db = ["--data", str(data), "--db", url]
    body = _body(data, url)
    rows = "".join(
        f"{cluster},{cluster} {i},Org {i},,2026-0{i + 1}-01\n"
        for cluster, n in FULL.items()
        for i in range(n)
    )
    f = _csv(tmp_path, "members.csv", HEADER.replace(",", ";") + rows.replace(",", ";"))
    r = run("governance", "members", "import", "Z01", f, "--body", str(body), *db)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "14 members seated." in r.stdout
    assert len(_members(data, url, body)) == 14

    # a decision: everyone for but two welfare members against (2 of 4: no majority)
    p = _platform(data, url)
    ctx = Ctx.system(p, "test")
    with p.session(write=True) as s:
        meeting = M.create_meeting(
            s, body, MeetingCreate(held_on=date(2026, 11, 5), title="November"), ctx
        )
        M.add_item(
            s, meeting.id, ItemCreate(title="GPs", decision=DecisionCreate(motion="Adopt")), ctx
        )
        did = M.meeting_public(s, meeting).items[0].decisions[0].id
        against = {m.id for m in G.members_of(s, body) if m.name in ("welfare 0", "welfare 1")}
        votes = {m.id: Vote.AGAINST if m.id in against else Vote.FOR for m in G.members_of(s, body)}
        M.record_votes(s, did, VotesIn(version=1, votes=votes), ctx)

    out = tmp_path / "body.json"
    r = run("governance", "export", str(body), "--out", str(out), *db)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(out.read_text())
    assert doc["complies"] is True and doc["body"]["breaches"] == []
    assert {c["cluster"]: c["members"] for c in doc["body"]["clusters"] if c["votes"]} == FULL
    d = doc["meetings"][0]["items"][0]["decisions"][0]
    assert d["outcome"] == "failed"
    tally = {t["cluster"]: (t["for"], t["against"], t["passed"]) for t in d["tally"] if t["votes"]}
    assert tally == {
        "care_providers": (4, 0, True),
        "welfare": (2, 2, False),
        "local_government": (4, 0, True),
        "patients": (2, 0, True),
    }

    out = tmp_path / "body.csv"
    r = run("governance", "export", str(body), "--out", str(out), *db)
    assert r.returncode == 0, r.stdout + r.stderr
    table = list(csv.DictReader(io.StringIO(out.read_text())))
    welfare = [t for t in table if t["section"] == "decision" and t["cluster"] == "welfare"]
    assert [(t["for"], t["against"], t["passed"], t["outcome"]) for t in welfare] == [
        ("2", "2", "False", "failed")
    ]
    composition = {t["cluster"]: t["members"] for t in table if t["section"] == "composition"}
    assert composition["patients"] == "2"

    r = run("governance", "export", str(body), "--out", str(tmp_path / "body.txt"), *db)
    assert r.returncode == 2 and ".json or .csv" in (r.stdout + r.stderr)
    r = run("governance", "export", "999", "--out", str(tmp_path / "x.json"), *db)
    assert r.returncode == 2 and "no governance body 999" in (r.stdout + r.stderr)
    assert not (tmp_path / "x.json").exists()
