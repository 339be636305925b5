"""Test data for planning through the services (so it is audited like real data): the seed's IMSC matrix and
an account plan with measures and resources."""

from decimal import Decimal

from kam.accounts.demo import INDUSTRIES as NAMES
from kam.accounts.tests.factories import IndustryFactory
from kam.planning import services
from kam.planning.imsc import CRITERIA, INDUSTRIES


def make_imsc(*, actor=None, industry=None):
    """The seed's IMSC table (M2.1) with its printed totals; `industry` stands in for finance if given.
    Returns {code: IndustryRow}, [Criterion]."""
    criteria = [
        services.criterion_create(
            actor=actor, data={"name": name, "name_en": name_en, "direction": direction}
        )
        for name, name_en, direction, _scores in CRITERIA
    ]
    rows = {}
    for index, (code, printed) in enumerate(INDUSTRIES):
        name, name_en = next((n, e) for c, n, e in NAMES if c == code)
        if industry is not None and code == "finance":
            target = industry
        else:
            target = IndustryFactory(code=code, name=name, name_en=name_en)
        row = services.industry_row_create(actor=actor, industry=target, data={"printed_total": printed})
        for criterion, (_n, _e, _d, scores) in zip(criteria, CRITERIA, strict=True):
            services.score_set(row=row, criterion=criterion, value=Decimal(scores[index]), actor=actor)
        rows[code] = row
    return rows, criteria


def make_plan(*, account, actor, **data):
    plan = services.plan_create(actor=actor, account=account, data={"business": "银行 Banking", **data})
    services.measure_create(
        actor=actor,
        plan=plan,
        data={
            "title": "语音业务 Voice",
            "horizon": "now",
            "profitability": 4,
            "competitive_situation": 5,
            "feasibility": 5,
        },
    )
    services.measure_create(
        actor=actor,
        plan=plan,
        data={
            "title": "核心业务系统 Core systems",
            "horizon": "long",
            "profitability": 3,
            "competitive_situation": 2,
            "feasibility": 2,
        },
    )
    services.resource_create(
        actor=actor,
        plan=plan,
        data={
            "role": "售前 Presales",
            "people_committed": 2,
            "people_promised": 3,
            "hours_committed": Decimal(300),
            "hours_promised": Decimal(360),
        },
    )
    return plan
