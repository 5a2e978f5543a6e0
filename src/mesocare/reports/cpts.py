"""The CPTS report: one section (``sections/cpts.py``) and the sources, as HTML or JSON, in the
reader's language (French by default for a French territory)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from mesocare.atomic import write_text
from mesocare.errors import MesocareError
from mesocare.i18n import _, use_locale
from mesocare.reports.base import Section, Table
from mesocare.reports.render import Diagnosis, render_html
from mesocare.reports.sections import cpts as section
from mesocare.services.cpts import CptsProfile
from mesocare.territory import Manifest


def render_cpts_report(profile: CptsProfile, manifest: Manifest, *, lang: str = "fr") -> str:
    with use_locale(lang):
        doc = Diagnosis(
            territory_name=profile.territory,
            zone_code=profile.code,
            zone_name=profile.name,
            reference_year=profile.year,
            synthetic=manifest.synthetic,
            sources=[s.model_dump() for s in manifest.sources],
        )
        doc.sections.append(section.render(profile))
        src = pd.DataFrame(
            {
                _("source"): [s.name for s in manifest.sources],
                _("licence"): [s.licence for s in manifest.sources],
                _("address"): [s.url or "" for s in manifest.sources],
                _("note"): [s.note or "" for s in manifest.sources],
            }
        )
        doc.sections.append(Section("sources", _("Sources"), tables=[Table(_("Sources"), src)]))
        return render_html(doc)


def write_cpts_report(
    profile: CptsProfile, manifest: Manifest, out: str | Path, *, lang: str = "fr"
) -> Path:
    """Write the report atomically: ``.html``, or ``.json`` (the profile itself)."""
    suffix = Path(out).suffix.lower()
    if suffix == ".json":
        return write_text(out, json.dumps(profile.model_dump(mode="json"), indent=2))
    if suffix != ".html":
        raise MesocareError(f"{out}: name a file ending in .html or .json")
    return write_text(out, render_cpts_report(profile, manifest, lang=lang))
