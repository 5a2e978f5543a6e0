"""Labels of the platform's codes (roles, sectors, disciplines, audit actions), in three languages."""

from __future__ import annotations

from mesocare.i18n import N_, _
from mesocare.organisation.roles import ROLE_LABELS as ROLES  # noqa: E402

SECTORS = {"care": N_("care"), "welfare": N_("welfare")}
DISCIPLINES = {
    "gp": N_("general practitioner"),
    "home_nurse": N_("home nurse"),
    "pharmacist": N_("pharmacist"),
    "physiotherapist": N_("physiotherapist"),
    "psychologist": N_("psychologist"),
    "dentist": N_("dentist"),
    "midwife": N_("midwife"),
    "dietitian": N_("dietitian"),
    "social_service": N_("social service"),
    "welfare_organisation": N_("welfare organisation"),
    "hospital": N_("hospital"),
    "other": N_("other"),
}
ACTIONS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "import": N_("imported"),
}
SOURCES = {"territory": N_("territory data"), "import": N_("CSV import"), "manual": N_("by hand")}
OBJECTS = {
    "actor": N_("actor"),
    "user": N_("account"),
    "grant": N_("role"),
    "token": N_("API token"),
    "territory": N_("territory"),
    "plan": N_("action plan"),
    "plan_need": N_("need"),
    "plan_item": N_("objective or action"),
    "plan_budget_line": N_("budget line"),
    "plan_indicator": N_("indicator"),
    "plan_actual": N_("actual"),
    "plan_evidence": N_("evidence file"),
}
#: the fields of records as the history and a conflict show them (the labels of the forms)
FIELDS = {
    "name": N_("Name"),
    "organisation": N_("Organisation"),
    "sector": N_("Sector"),
    "discipline": N_("Discipline"),
    "address": N_("Address"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "area_code": N_("Area"),
    "network_code": N_("Vicinity network"),
    "contact": N_("Contact"),
    "assignee_id": N_("Assigned to (account number)"),
    "zone_code": N_("Zone"),
    "email": N_("E-mail address"),
    "display_name": N_("Name"),
    "language": N_("Language"),
    "disabled": N_("Disabled"),
    "user": N_("User"),
    "role": N_("Role"),
    "scope": N_("Scope"),
}


#: the codes of a case (consent categories, problem domains, the referral loop, how one reaches it)
CASES = {
    "primary_care": N_("primary care"),
    "welfare": N_("welfare"),
    "hospital": N_("hospital"),
    "somatic": N_("somatic"),
    "psychological": N_("psychological"),
    "social": N_("social"),
    "action": N_("action"),
    "referral": N_("referral"),
    "requested": N_("requested"),
    "accepted": N_("accepted"),
    "done": N_("done"),
    "declined": N_("declined"),
    "cancelled": N_("cancelled"),
    "coordinator": N_("coordinator of the case"),
    "team": N_("care team"),
    "emergency": N_("emergency access"),
    "patient": N_("the patient"),
    "relative": N_("a relative"),
    "read": N_("read"),
    "export": N_("exported"),
    "break_glass": N_("emergency access"),
    "acknowledge": N_("emergency access seen"),
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "case": N_("case"),
    "goal": N_("goal"),
    "problem": N_("problem"),
    "consent": N_("consent"),
    "open": N_("open"),
}


def label(table: dict[str, str], code: object) -> str:
    key = getattr(code, "value", code)
    return _(table[key]) if key in table else str(key)


def role_label(code: object) -> str:
    return label(ROLES, code)


def sector_label(code: object) -> str:
    return label(SECTORS, code)


def discipline_label(code: object) -> str:
    return label(DISCIPLINES, code)


def action_label(code: object) -> str:
    return label(ACTIONS, code)


def source_label(code: object) -> str:
    return label(SOURCES, code)


def field_label(code: object) -> str:
    return label(FIELDS, code)


def object_label(code: object) -> str:
    return label(OBJECTS, code)


def case_label(code: object) -> str:
    return label(CASES, code)
