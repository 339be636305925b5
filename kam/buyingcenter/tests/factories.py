"""Test data for the buying center: opportunities through the pipeline's service (so they have a stage and a
number), stakeholders and pairs through the buying center's services (so they are audited like real ones)."""

from decimal import Decimal

from kam.accounts.tests.factories import ContactFactory
from kam.buyingcenter import services
from kam.pipeline import services as pipeline_services

#: M4.3's table (slide 60, phase "initial product selection"): name, department, role in the project,
#: roles, attitude, weight %. Neutral = C accepts, supporter = B supports, opponent = E opposes.
M43 = [
    ("张华", "技术部 Technical", "决定技术选型", ["technical"], "C", 60),
    ("李建", "采购部 Purchasing", "筛选信息，挑选合适的厂家", ["coach"], "B", 30),
    ("王桑", "财务部 Finance", "影响", ["financial", "influencer"], "E", 10),
    ("李阳", "总经理室 GM office", "最终决策者", ["economic"], "", 0),
]


def make_opportunity(*, account, actor, name="Equipment-management system", stage_code=None):
    opportunity = pipeline_services.opportunity_create(
        actor=actor, data={"account": account, "name": name, "amount": Decimal("2600000")}
    )
    if stage_code:
        stage = opportunity.process.stages.get(code=stage_code)
        opportunity = pipeline_services.opportunity_move(
            opportunity=opportunity, to_stage=stage, actor=actor, reason="test setup"
        )
    return opportunity


def make_stakeholder(*, opportunity, actor, name, attitude="", **data):
    contact = ContactFactory(account=opportunity.account, name=name, department=data.pop("department", ""))
    return services.stakeholder_add(
        actor=actor, opportunity=opportunity, contact=contact, data={"attitude": attitude, **data}
    )


def make_m43(*, opportunity, actor, phase="selection"):
    """M4.3's buying center on `opportunity`, with its weights set in `phase`; returns {name: stakeholder}."""
    gm = ContactFactory(account=opportunity.account, name="李阳", department="总经理室 GM office")
    people = {}
    for name, department, project_role, roles, attitude, _weight in M43:
        contact = (
            gm
            if name == "李阳"
            else ContactFactory(account=opportunity.account, name=name, department=department, reports_to=gm)
        )
        people[name] = services.stakeholder_add(
            actor=actor,
            opportunity=opportunity,
            contact=contact,
            data={"roles": roles, "project_role": project_role, "attitude": attitude},
        )
    services.phase_weights_set(
        opportunity=opportunity,
        phase=phase,
        actor=actor,
        weights={people[name].pk: weight for name, *_rest, weight in M43},
    )
    return people
