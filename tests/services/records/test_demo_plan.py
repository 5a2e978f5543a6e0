"""The demo database holds the example action plan, with a year of actuals, once."""

from __future__ import annotations

from sqlalchemy import func, select
from tests.platform_fixtures import Served


def test_the_demo_has_an_example_plan_with_a_year_of_actuals(served: Served) -> None:
    from mesocare.services.platform.demo import prepare
    from mesocare.store.models_plans import Plan, PlanActual

    p = served.platform
    prepare(p, "leuven")  # type: ignore[arg-type]
    prepare(p, "leuven")  # type: ignore[arg-type]  (idempotent)
    with p.session() as s:  # type: ignore[attr-defined]
        plans = list(s.scalars(select(Plan)))
        assert len(plans) == 1 and plans[0].status == "adopted"
        periods = set(s.scalars(select(PlanActual.period).where(PlanActual.plan_id == plans[0].id)))
        approved = s.scalar(
            select(func.count()).select_from(PlanActual).where(PlanActual.status == "approved")
        )
    assert {f"2026-{m:02d}" for m in range(1, 13)} <= periods  # a year of monthly actuals
    assert approved and approved >= 12
