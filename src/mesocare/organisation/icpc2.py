"""A short list of ICPC-2 codes (International Classification of Primary Care, 2nd edition, WONCA)
for the problems of a case: ``data/icpc2.csv``, the codes and their English rubrics.

The list holds only codes whose English title we are sure of (a selection of chapter K, L, N, P,
R, T diagnoses and the social problems of chapter Z), so a code outside it is refused rather than
guessed. The Dutch and French columns are empty on purpose: the official WONCA translations are
to be added from their source; until then the English title is shown in every language.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

#: a problem's domain, from its ICPC-2 chapter: P psychological, Z social, the others somatic
DOMAINS = ("somatic", "psychological", "social")


@dataclass(frozen=True)
class Icpc2:
    code: str
    titles: dict[str, str]

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]

    @property
    def domain(self) -> str:
        return {"P": "psychological", "Z": "social"}.get(self.code[0], "somatic")


@cache
def codes() -> dict[str, Icpc2]:
    text = files("mesocare.organisation").joinpath("data/icpc2.csv").read_text(encoding="utf-8")
    out: dict[str, Icpc2] = {}
    for row in csv.DictReader(text.splitlines()):
        titles = {lang: row[f"title_{lang}"] for lang in ("en", "nl", "fr") if row[f"title_{lang}"]}
        out[row["code"]] = Icpc2(row["code"], titles)
    return out


def lookup(code: str) -> Icpc2 | None:
    return codes().get(code.strip().upper())
