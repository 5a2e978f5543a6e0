"""The CPTS section: size class, APL against département, région and France, under-served
share, poverty rate and ACI amounts, with the APL of every commune (from a ``CptsProfile``)."""

from __future__ import annotations

import pandas as pd

from mesocare.i18n import N_, _, fmt_decimal, fmt_eur, fmt_int, fmt_percent
from mesocare.reports.base import Section, Table
from mesocare.services.cpts import UNDERSERVED_APL, CptsProfile

LEVELS = {
    "cpts": N_("CPTS"),
    "department": N_("département"),
    "region": N_("région"),
    "country": N_("country"),
}
ITEMS = {
    "functioning": N_("functioning"),
    "access": N_("access to care"),
    "crisis": N_("health crises"),
    "pathways": N_("care pathways"),
    "prevention": N_("prevention"),
    "quality": N_("quality and appropriateness"),
    "attractiveness": N_("support to professionals"),
}


def render(p: CptsProfile) -> Section:
    own = p.comparisons[0]
    paras = [
        _(
            "{name}: {communes} communes, {population} inhabitants (municipal population): size "
            "class {klass} of the ACI CPTS."
        ).format(
            name=p.name,
            communes=fmt_int(len(p.communes)),
            population=fmt_int(p.population),
            klass=p.size_class,
        ),
        _(
            "APL to GPs {year}: {apl} consultations per standardised inhabitant ({u65} counting "
            "GPs up to 65); {share} of the inhabitants ({people}) live in a commune whose APL is "
            "below {threshold}."
        ).format(
            year=p.year,
            apl=fmt_decimal(own.apl, 2),
            u65=fmt_decimal(own.apl_under65, 2),
            share=fmt_percent(own.underserved_share_pct),
            people=fmt_int(p.underserved_population),
            threshold=fmt_decimal(UNDERSERVED_APL, 1),
        ),
    ]
    if p.poverty_rate_pct is None:
        paras.append(_("Poverty rate: not in this territory (give --poverty to the import)."))
    else:
        paras.append(
            _("Poverty rate: {rate} (population-weighted over {n} communes with a rate).").format(
                rate=fmt_percent(p.poverty_rate_pct), n=fmt_int(p.poverty_communes)
            )
        )
    total = sum(f.total_eur_per_year for f in p.funding)
    paras.append(
        _(
            "ACI amounts of class {klass} in contract year {year}, every mission deployed and "
            "fully achieved: {total} a year (rules of mesocare fund cpts; the missions table is "
            "an unconfirmed example)."
        ).format(klass=p.size_class, year=p.funding_year, total=fmt_eur(total))
    )
    comp = pd.DataFrame(
        {
            _("level"): [_(LEVELS[c.level]) for c in p.comparisons],
            _("name"): [c.name for c in p.comparisons],
            _("APL"): [c.apl for c in p.comparisons],
            _("APL, GPs up to 65"): [c.apl_under65 for c in p.comparisons],
            _("inhabitants in under-served communes"): [
                c.underserved_share_pct for c in p.comparisons
            ],
        }
    )
    fund = pd.DataFrame(
        {
            _("item"): [_(ITEMS.get(f.item, f.item)) for f in p.funding],
            _("fixed"): [f.fixed_eur_per_year for f in p.funding],
            _("variable"): [f.variable_max_eur_per_year for f in p.funding],
            _("total"): [f.total_eur_per_year for f in p.funding],
        }
    )
    yes, no = _("yes"), _("no")
    communes = pd.DataFrame(
        {
            _("code"): [c.code for c in p.communes],
            _("commune"): [c.name for c in p.communes],
            _("population"): [c.population for c in p.communes],
            _("APL"): [c.apl for c in p.communes],
            _("APL, GPs up to 65"): [c.apl_under65 for c in p.communes],
            _("under-served"): [
                "" if c.underserved is None else (yes if c.underserved else no) for c in p.communes
            ],
        }
    )
    if p.poverty_rate_pct is not None:
        communes[_("poverty rate")] = [c.poverty_rate_pct for c in p.communes]
    apl_fmt = {_("APL"): "decimal2", _("APL, GPs up to 65"): "decimal2"}
    return Section(
        "cpts",
        _("CPTS"),
        paragraphs=paras,
        tables=[
            Table(
                _("APL {year} against the département, the région and France").format(year=p.year),
                comp,
                formats={**apl_fmt, _("inhabitants in under-served communes"): "percent"},
            ),
            Table(
                _("ACI amounts per year, class {klass}").format(klass=p.size_class),
                fund,
                formats={_("fixed"): "eur", _("variable"): "eur", _("total"): "eur"},
            ),
            Table(
                _("Communes of the CPTS (DREES APL {year})").format(year=p.year),
                communes,
                formats={  # the APL as the DREES publishes it, to three decimals
                    _("APL"): "decimal3",
                    _("APL, GPs up to 65"): "decimal3",
                    _("population"): "int",
                    _("poverty rate"): "decimal1",
                },
            ),
        ],
        data=p.model_dump(mode="json"),
    )
