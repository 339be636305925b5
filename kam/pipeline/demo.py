"""Pipeline part of the demo: SPD Bank's project 0202 with its two progress reports (M2.6) and a few
more opportunities so the board, the funnel and the forecast have something to show. Idempotent."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kam.accounts.models import Account
from kam.pipeline import services
from kam.pipeline.models import Opportunity
from kam.users.models import User

#: (number, account code, name, goal, amount, stage code, owner, months to close, competitors)
OPPORTUNITIES = [
    ("0202", "110", "电话回访中心线路迁移 Call-back centre switch-over",
     "通过对分行各级人员的销售，将其电话回访中心从网通转到我方。By selling to staff at every level of the branch, "
     "move its phone call-back centre from Netcom to us.", "1200000", "D", "linshan", 2, "中国电信, 中国网通"),
    ("0203", "HDJX", "设备管理系统选型 Equipment-management system selection",
     "在初选阶段赢得技术部张华的支持。Win the technical head's support in the initial product selection (M4.3).",
     "2600000", "E", "zhangwei", 4, "外资品牌A, 国内品牌B"),
    ("0204", "STIP", "人才测评软件替换 Talent-assessment software replacement",
     "以更好的价格和更快的服务替换X公司的软件。Replace company X's software with a better price and faster service.",
     "380000", "E", "zhangwei", 3, "X公司"),
]  # fmt: skip


@transaction.atomic
def load_pipeline_demo(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    people = {u.username: u for u in User.objects.filter(username__in=["linshan", "zhangwei", "director"])}
    created = 0
    for number, code, name, goal, amount, stage_code, owner, months, competitors in OPPORTUNITIES:
        if Opportunity.objects.filter(number=number).exists():
            continue
        opportunity = services.opportunity_create(
            actor=None,
            data={
                "number": number,
                "account": Account.objects.get(code=code),
                "name": name,
                "goal": goal,
                "amount": Decimal(amount),
                "owner": people[owner],
                "competitors": competitors,
                "expected_close": today + datetime.timedelta(days=30 * months),
            },
        )
        target = opportunity.process.stages.get(code=stage_code)
        for stage in opportunity.process.stages.filter(order__lt=target.order).order_by("order"):
            for criterion in stage.criteria.all():
                services.criterion_check(
                    opportunity=opportunity, criterion=criterion, actor=people[owner], done=True
                )
        if target != opportunity.stage:
            services.opportunity_move(opportunity=opportunity, to_stage=target, actor=people[owner])
        created += 1
    _spd_reports(people)
    return created + _m38_territory(today)


#: Where each M3.8 status puts the customer's deal in the default process.
M38_STAGE = {
    "first_visit": "F",
    "proposal_submitted": "E",
    "negotiation": "A",
    "contract_signed": "S",
    "maintenance": "S",
}


def _m38_territory(today: datetime.date) -> int:
    """One deal per customer of the M3.8 territory, at the stage its sales status needs (14/10/4/1/1)."""
    from kam.accounts.demo import m38_customers

    owner = User.objects.get(username="wangfang")
    created = 0
    for index, customer in enumerate(m38_customers(), start=1):
        number = f"P38-{index:02d}"
        if Opportunity.objects.filter(number=number).exists():
            continue
        opportunity = services.opportunity_create(
            actor=owner,
            data={
                "number": number,
                "account": Account.objects.get(code=customer["code"]),
                "owner": owner,
                "name": customer["product"].split(" ")[0] + "项目",
                "product_lines": customer["product"],
                "amount": Decimal(200000 + (index * 137000) % 2800000),
                "expected_close": today + datetime.timedelta(days=20 * (index % 9 + 1)),
            },
        )
        stage = opportunity.process.stages.get(code=M38_STAGE[customer["status"]])
        if stage != opportunity.stage:
            opportunity = services.opportunity_move(
                opportunity=opportunity, to_stage=stage, actor=owner, reason="Demo history (M3.8)"
            )
        if customer["status"] == "maintenance":  # won more than a year ago: a repeat purchase to look after
            services.opportunity_update(
                opportunity=opportunity, actor=owner, data={"closed_on": today - datetime.timedelta(days=400)}
            )
        created += 1
    return created


def _spd_reports(people):
    """Project 0202's visit plan & progress reports: the earlier one, then the seed's of 2006-01-23."""
    opportunity = Opportunity.objects.get(number="0202")
    if opportunity.progress_reports.exists():
        return
    influencers = [
        ("办公室 Office", "郑师超", "主任 Director"),
        ("电脑部 IT dept", "林智勇", "经理 IT manager"),
        ("电话回访中心 Call-back centre", "黄艾香", "主管 Head"),
    ]
    contacts = {c.name: c for c in opportunity.account.contacts.all()}
    for date, attitudes, progress, breakthroughs, next_steps, assessment in [
        (
            datetime.date(2006, 1, 9),
            ["C", "B", "D"],
            1,
            "初次拜访电脑部。First visit to the IT department.",
            "了解回访中心对线路的要求。Learn the call-back centre's line requirements.",
            "",
        ),
        (
            datetime.date(2006, 1, 23),
            ["B", "B+", "C"],
            2,
            "回访中心非常关注线路质量；已提交切换方案。The call-back centre cares a lot about line quality; "
            "switch-over proposal submitted.",
            "验证线路可靠性；邀请客户参加活动，增进好感。Verify line reliability; invite the customer to an event "
            "to build goodwill.",
            "进展顺利，重点做回访中心主管的工作。Good progress; focus on the call-back centre head.",
        ),
    ]:
        services.progress_report_create(
            opportunity=opportunity,
            actor=people["linshan"],
            data={
                "report_date": date,
                "goal": opportunity.goal,
                "breakthroughs": breakthroughs,
                "next_steps": next_steps,
                "competitor": "中国电信",
                "progress": progress,
                "manager_assessment": assessment,
            },
            influencers=[
                {"department": d, "name": n, "title": t, "attitude": a, "contact": contacts.get(n)}
                for (d, n, t), a in zip(influencers, attitudes, strict=True)
            ],
        )
