"""Service part of the demo (M5): relationship stages with their history, the customers' category spend,
25-cell grid placements that move over time, loyalty reviews, surveys, a gap assessment, service requests
and contributions — on SPD Bank (mid stage, ~42 % share of wallet, climbing), Shanghai Tobacco (gestation,
one bow tie) and the other demo accounts (a spread of stages, so the dashboard has something to show).
Written by the system. Idempotent: an account that already has a stage is left alone.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kam.accounts import services as account_services
from kam.accounts.models import Account
from kam.service import figures, services
from kam.service.choices import LADDER, Stage
from kam.service.models import RelationshipStage

#: Share of wallet (fraction of last year's revenue) and stage given to the other demo accounts, in turn.
SPREAD = [
    (Decimal("0.15"), Stage.INITIAL),
    (Decimal("0.38"), Stage.MID),
    (Decimal("0.62"), Stage.HIGH),
    (Decimal("0.22"), Stage.INITIAL),
    (Decimal("0.45"), Stage.MID),
    (Decimal("1.00"), Stage.STRATEGIC),
    (Decimal("0.08"), Stage.INTERRUPTED),
]


def _spend_for(revenue: Decimal, share: Decimal) -> Decimal:
    return (revenue / share).quantize(Decimal("1000")) if revenue > 0 else Decimal("500000")


def _climb(account, to: Stage, since: datetime.date, reasons: dict) -> None:
    """Walk the account up the ladder to `to`, one dated change a quarter, ending `since`."""
    steps = LADDER[: LADDER.index(to) + 1] if to in LADDER else [Stage.INITIAL, Stage.MID, to]
    start = since - datetime.timedelta(days=91 * (len(steps) - 1))
    for i, stage in enumerate(steps):
        services.stage_change(
            account=account,
            to_stage=stage,
            reason=reasons.get(
                stage, "演示：季度客户评审时确认 Demo: reviewed at the quarterly account review."
            ),
            changed_on=start + datetime.timedelta(days=91 * i),
            actor=None,
        )


def _spd_bank(account, today) -> None:
    last_year = today.year - 1
    revenue = figures.revenue_by_year([account.pk], [last_year, today.year])
    for year in (last_year, today.year):
        earned = revenue.get((account.pk, year), {}).get("revenue", Decimal(0))
        services.spend_set(
            account=account,
            year=year,
            amount=_spend_for(earned, Decimal("0.42")),
            source="浦发银行年度IT采购计划 SPDB annual IT purchasing plan",
            actor=None,
        )
    _climb(
        account,
        Stage.MID,
        today - datetime.timedelta(days=120),
        {
            Stage.GESTATION: "首次接触电脑部 First contact with the IT department.",
            Stage.INITIAL: "首笔订单：线路租用 First order: leased lines.",
            Stage.MID: "项目0202：电话回访中心转到我方，钱包份额约40% Project 0202 moved the call-back centre to "
            "us; share of wallet about 40 %.",
        },
    )
    contacts = {c.name: c for c in account.contacts.all()}
    moves = [
        (
            "郑师超",
            [(300, 1, "E"), (180, 2, "D"), (40, 3, "C")],
            "一起评审了项目0202 Reviewed project 0202 together",
        ),
        (
            "林智勇",
            [(250, 2, "D"), (60, 3, "D")],
            "技术交流后认可我方方案 Backs our solution after the exchange",
        ),
        ("黄艾香", [(90, 1, "E")], "刚认识 Just met"),
    ]
    for name, path, note in moves:
        if name in contacts:
            for days_ago, depth, level in path:
                services.grid_place(
                    account=account,
                    contact=contacts[name],
                    depth=depth,
                    level=level,
                    note=note,
                    placed_on=today - datetime.timedelta(days=days_ago),
                    actor=None,
                )
    _spd_contact_log(account, contacts, today)
    services.contribution_set(
        account=account, year=last_year, referrals=1, joint_projects=1, note="介绍了浦发信用卡中心 Referred SPDB cards",
        actor=None,
    )  # fmt: skip
    services.loyalty_review(
        account=account, competitor_availability=3, competitor_attractiveness=2, actor=None,
        note="网通服务慢 Netcom's service is slow", reviewed_on=today - datetime.timedelta(days=150),
    )  # fmt: skip
    services.loyalty_review(
        account=account, competitor_availability=3, competitor_attractiveness=3, actor=None,
        note="电信报低价 Telecom offers a low price", reviewed_on=today - datetime.timedelta(days=10),
    )  # fmt: skip
    services.survey_record(
        account=account,
        actor=None,
        data={
            "surveyed_on": today - datetime.timedelta(days=45),
            "respondent": contacts.get("郑师超"),
            "product_quality": 4,
            "responsiveness": 3,
            "relationship": 4,
            "value_for_money": 3,
            "comment": "回访中心上线顺利，故障响应还可以更快 Smooth go-live; faults could be fixed faster.",
        },
    )
    services.gap_assess(
        account=account,
        actor=None,
        data={
            "assessed_on": today - datetime.timedelta(days=30),
            "knowledge": 2,
            "standards": 2,
            "delivery": 3,
            "communication": 2,
            "perception": 3,
            "note": "故障处理时限未达承诺 Fault fixing slower than promised.",
        },
    )
    now = timezone.now()
    done = services.request_open(
        account=account,
        actor=None,
        data={
            "kind": "request",
            "priority": "high",
            "title": "回访中心新增10个坐席 Add 10 seats to the call-back centre",
            "opened_at": now - datetime.timedelta(days=20),
        },
    )
    services.request_resolve(
        request=done,
        actor=None,
        resolution="已开通 Provisioned",
        resolved_at=now - datetime.timedelta(days=19),
    )
    services.request_open(
        account=account,
        actor=None,
        data={
            "kind": "complaint",
            "priority": "urgent",
            "title": "线路中断两小时 Line down for two hours",
            "description": "周一早高峰中断 Outage in Monday's morning peak.",
            "opened_at": now - datetime.timedelta(hours=6),
        },
    )


def _spd_contact_log(account, contacts, today) -> None:
    """Meetings beyond the account manager: presales with IT and the call-back centre, the director with the
    office — the contact pattern of a mid-stage relationship (M5.3)."""
    team = {member.role: member.user for member in account.team_members.select_related("user")}
    owner, presales, sponsor = account.owner, team.get("presales"), team.get("executive_sponsor")
    meetings = [
        ("visit", 200, owner, "郑师超", "季度回顾 Quarterly review"),
        (
            "technical_exchange",
            150,
            presales,
            "林智勇",
            "回访中心方案技术交流 Technical exchange on the call-back centre",
        ),
        ("visit", 120, owner, "林智勇", "商务条款 Commercial terms"),
        ("event", 90, sponsor, "郑师超", "高层会面 Executive meeting"),
        ("technical_exchange", 60, presales, "黄艾香", "坐席扩容需求 Seat expansion needs"),
    ]
    for kind, days_ago, ours, theirs, content in meetings:
        if ours is None or theirs not in contacts:
            continue
        account_services.interaction_create(
            actor=None,
            account=account,
            data={
                "kind": kind,
                "occurred_on": today - datetime.timedelta(days=days_ago),
                "owner": owner,
                "content": content,
                "our_people": [ours],
                "their_people": [contacts[theirs]],
            },
        )


def _tobacco(account, today) -> None:
    services.stage_change(
        account=account,
        to_stage=Stage.GESTATION,
        reason="新客户，办公室主任唐军一个联系人（领结型） New customer; one contact, the office director (bow tie).",
        changed_on=today - datetime.timedelta(days=21),
        actor=None,
    )
    services.spend_set(
        account=account,
        year=today.year,
        amount=Decimal("300000"),
        source="唐军口述 Tang Jun's estimate",
        actor=None,
    )
    tang = account.contacts.filter(name="唐军").first()
    if tang is not None:
        services.grid_place(
            account=account, contact=tang, depth=1, level="E", note="电话联系 Phoned",
            placed_on=today - datetime.timedelta(days=21), actor=None,
        )  # fmt: skip
        services.grid_place(
            account=account, contact=tang, depth=2, level="E", note="看了方案，说“不错” Saw the plan: “looks good”",
            placed_on=today - datetime.timedelta(days=3), actor=None,
        )  # fmt: skip


def load_service_demo(*, today: datetime.date | None = None) -> int:
    """Returns how many accounts got their service data."""
    today = today or timezone.localdate()
    staged = set(RelationshipStage.objects.values_list("account_id", flat=True))
    added = 0
    with transaction.atomic():
        for code, load in (("110", _spd_bank), ("STIP", _tobacco)):
            account = Account.objects.filter(code=code).first()
            if account is not None and account.pk not in staged:
                load(account, today)
                added += 1
        others = list(Account.objects.exclude(code__in=["110", "STIP"]).order_by("code", "pk")[:28])
        last_year = today.year - 1
        revenue = figures.revenue_by_year([a.pk for a in others], [last_year])
        for i, account in enumerate(others):
            if account.pk in staged:
                continue
            share, stage = SPREAD[i % len(SPREAD)]
            earned = revenue.get((account.pk, last_year), {}).get("revenue", Decimal(0))
            services.spend_set(
                account=account,
                year=last_year,
                amount=_spend_for(earned, share),
                source="演示估算 Demo estimate",
                actor=None,
            )
            _climb(account, stage, today - datetime.timedelta(days=30 + 7 * i), {})
            services.loyalty_review(
                account=account,
                competitor_availability=1 + i % 5,
                competitor_attractiveness=1 + (i * 3) % 5,
                reviewed_on=today - datetime.timedelta(days=5),
                actor=None,
            )
            added += 1
    return added
