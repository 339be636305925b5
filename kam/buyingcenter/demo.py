"""Buying-center part of the demo: M4.3's 张华 / 李建 / 王桑 / 李阳 on HDJX's equipment-management project 0203,
with dated attitude histories, the initial-product-selection weights (60 / 30 / 10 / 0), two counterpart pairs
(M4.7) and a little contact log, so the map, the score, the risk flag and the rules' actions have something
to show. Written by the system, like the rest of the reference data. Idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone

from kam.accounts import services as account_services
from kam.buyingcenter import services
from kam.pipeline.models import Opportunity
from kam.users.models import User

OPPORTUNITY = "0203"

#: (name, roles, steps led, role in the project, attitude history as (days ago, attitude, note), weight %,
#:  relationship type, level, what they care about, coach, informant, next action)
PEOPLE = [
    ("张华", ["technical"], [4, 5], "决定技术选型 Decides the technology choice",
     [(60, "D", "技术交流上质疑我方方案 Doubted our design at the technical exchange"),
      (20, "C", "看过演示后态度缓和 Softened after the demo")],
     60, "supplier", 2, "可行性、技术、效果 Feasibility, technology, results", False, False,
     "邀请参观样板工厂 Invite him to the reference plant"),
    ("李建", ["coach"], [5], "筛选信息，挑选合适的厂家 Screens information, picks suitable vendors",
     [(45, "C", ""), (10, "B", "主动告知评标时间表 Shared the evaluation timetable")],
     30, "partner", 3, "符合采购标准，流程顺利 Fit with the purchasing standards, a smooth process", True, True, ""),
    ("王桑", ["financial", "influencer"], [], "影响 Influence",
     [(30, "D", ""), (5, "E", "倾向外资品牌A Leans to foreign brand A")],
     10, "outsider", 1, "付款条件与总成本 Payment terms and total cost", False, False, ""),
    ("李阳", ["economic"], [2, 7], "最终决策者 Final decision maker",
     [], 0, "", None, "", False, False, ""),
]  # fmt: skip

#: (our username, their name, level, note)
PAIRS = [
    ("presales", "张华", "technical", "技术对口 Technical counterpart"),
    ("zhangwei", "李建", "commercial", "销售对采购 Sales ↔ purchasing"),
]

#: (days ago, kind, their people, content) — the contact log the follow-up rule reads.
LOG = [
    (
        45,
        "technical_exchange",
        ["张华", "李建"],
        "技术交流：设备管理系统方案 Technical exchange on the system design",
    ),
    (10, "visit", ["李建"], "拜访采购部，了解评标时间表 Visited purchasing about the evaluation timetable"),
]


@transaction.atomic
def load_buying_center_demo(*, today: datetime.date | None = None) -> int:
    """Put M4.3's buying center on opportunity 0203; returns the number of stakeholders added (0 if there)."""
    today = today or timezone.localdate()
    opportunity = Opportunity.objects.select_related("account").filter(number=OPPORTUNITY).first()
    if opportunity is None or opportunity.stakeholders.exists():
        return 0
    account = opportunity.account
    contacts = {c.name: c for c in account.contacts.all()}
    added = {}
    for (
        name,
        roles,
        steps,
        project_role,
        history,
        _w,
        kind,
        level,
        concerns,
        coach,
        informant,
        action,
    ) in PEOPLE:
        stakeholder = services.stakeholder_add(
            actor=None,
            opportunity=opportunity,
            contact=contacts[name],
            data={
                "roles": roles,
                "procurement_steps": steps,
                "project_role": project_role,
                "relationship_type": kind,
                "relationship_level": level,
                "concerns": concerns,
                "is_coach": coach,
                "is_informant": informant,
                "next_action": action,
                "next_action_due": today + datetime.timedelta(days=14) if action else None,
            },
        )
        for days_ago, attitude, note in history:
            services.stakeholder_record_attitude(
                stakeholder=stakeholder,
                actor=None,
                attitude=attitude,
                observed_on=today - datetime.timedelta(days=days_ago),
                note=note,
            )
        added[name] = stakeholder
    services.phase_weights_set(
        opportunity=opportunity,
        phase="selection",
        actor=None,
        weights={added[name].pk: weight for name, *_r, weight, _k, _l, _c, _co, _i, _a in PEOPLE},
    )
    people = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in PAIRS])}
    for username, their_name, level, note in PAIRS:
        services.pair_create(
            actor=None,
            account=account,
            data={
                "our_person": people[username],
                "their_person": contacts[their_name],
                "level": level,
                "note": note,
            },
        )
    for days_ago, kind, names, content in LOG:
        account_services.interaction_create(
            actor=None,
            account=account,
            data={
                "kind": kind,
                "occurred_on": today - datetime.timedelta(days=days_ago),
                "owner": account.owner,
                "content": content,
                "our_people": [account.owner],
                "their_people": [contacts[n] for n in names],
            },
        )
    return len(added)
