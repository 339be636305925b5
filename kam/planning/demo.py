"""Planning part of the demo: the seed's IMSC attractiveness matrix (M2.1, slide 17) with slide 18's decisions,
the government profile of slide 19, three business lines, and SPD Bank's six-step plan with slide 26's eight
measures (M2.4) — version 1 approved, version 2 the draft being worked on. Written by the system, like the rest
of the reference data. Idempotent.

The slide names SPD Bank's measures and their three horizons; the ratings of profitability, competitive
situation and feasibility are illustrative, chosen so that each measure's horizon is the one they suggest.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from kam.accounts.models import Account, Industry
from kam.planning import services
from kam.planning.imsc import CRITERIA, DECISIONS, INDUSTRIES
from kam.planning.models import AccountPlan, BusinessLine, Criterion, IndustryProfile, IndustryRow
from kam.users.models import User

PROFILES = {
    "government": {
        "market_size": Decimal(308),
        "market_size_unit": "亿元",
        "year": 2004,
        "growth_percent": Decimal("18.3"),
        "segments": "硬件 Hardware: 60.26\n服务 Services: 28.11\n软件 Software: 10.63",
        "key_businesses": "电子政务、办公自动化、政务网 E-government, office automation, government networks",
        "key_buying_factors": "政策符合性、安全可靠、本地服务 Policy compliance, security, local service",
        "notes": "服务占比逐年上升，咨询与集成是切入点 Services grow every year: consulting and integration "
        "are the way in.",
    },
    "telecom": {
        "key_businesses": "运营支撑系统、计费、客服中心 Operations support, billing, contact centres",
        "key_buying_factors": "稳定性、扩展性、快速响应 Stability, scalability, fast response",
    },
    "finance": {
        "key_businesses": "核心业务、渠道、风险控制 Core banking, channels, risk control",
        "key_buying_factors": "安全、可靠、线路质量、服务响应 Security, reliability, line quality, service response",
    },
}

BUSINESS_LINES = [
    ("IT咨询", "IT consulting", 3, "行业方案与实施经验 Industry solutions and delivery experience"),
    ("通信线路", "Communication lines", 3, "线路质量与回访服务 Line quality and call-back service"),
    ("系统集成", "System integration", 4, "性价比与快速交付 Price/performance and quick delivery"),
]

#: Slide 26's eight measures for SPD Bank: (title, horizon, profitability, competitive situation, feasibility)
SPD_MEASURES = [
    ("语音业务 Voice services", "now", 4, 5, 5),
    ("视频会议 Video conferencing", "now", 4, 4, 5),
    ("银信通 Bank messaging", "now", 4, 4, 4),
    ("视频监控 Video surveillance", "mid", 4, 3, 4),
    ("移动办公与安全 Mobile office and security", "mid", 3, 3, 4),
    ("HR/CRM/OA/风险控制等管理信息化 Management IT: HR, CRM, OA, risk control", "mid", 4, 3, 3),
    ("渠道系统：网上银行、电话银行 Channel systems: online and phone banking", "long", 3, 2, 3),
    (
        "核心业务、中间业务、国际业务系统 Core, intermediate and international business systems",
        "long",
        3,
        2,
        2,
    ),
]

SPD_RESOURCES = [
    ("客户经理 Account manager", 1, 1, Decimal(400), Decimal(400), Decimal(50000), Decimal(50000)),
    ("售前工程师 Presales engineer", 2, 2, Decimal(300), Decimal(360), Decimal(80000), Decimal(80000)),
    (
        "实施与售后 Delivery and after-sales",
        3,
        4,
        Decimal(900),
        Decimal(1200),
        Decimal(150000),
        Decimal(200000),
    ),
]

SPD_PLAN = {
    "industry_notes": "金融是潜力行业：市场大但竞争激烈，以服务和线路质量差异化。Finance is a potential industry: "
    "a big market with fierce competition; we differentiate on service and line quality.",
    "competition_notes": "网通服务响应慢是我们的机会。Netcom's slow service is our opening.",
    "business": "全国性股份制商业银行，分行与电话回访中心是我们的切入点。A national joint-stock bank; the branch "
    "and its call-back centre are our way in.",
    "development_goals": "扩大零售与电子渠道业务 Grow retail banking and electronic channels.",
    "decision_process": "电脑部评估技术方案，办公室主任批准，回访中心是使用部门。The IT department evaluates, "
    "the office director approves, the call-back centre uses the service.",
    "latent_needs": "线路可靠性与故障快速恢复 Line reliability and fast recovery from faults.",
    "solution_notes": "按盈利性、竞争态势和可行性分阶段推进；长期项目及早准备，贴近决策层。Phase by "
    "profitability, competitive situation and feasibility; prepare long-term items early; stay close to the "
    "decision makers.",
    "service_notes": "实施与售后人手不足，需从华东大区调配。Delivery is short of people: borrow from East China.",
    "communication_plan": "每月拜访电脑部，每季度高层会谈。Visit the IT department monthly; executives meet "
    "quarterly.",
    "solution_milestones": "2026-12 线路切换方案；2027-03 视频会议试点。2026-12 switch-over proposal; 2027-03 "
    "video-conferencing pilot.",
}


def load_planning_demo() -> int:
    """Load what is missing; returns the number of records created (0 when all is there)."""
    with transaction.atomic():
        return _matrix() + _profiles() + _business_lines() + _spd_plan()


def _matrix() -> int:
    if Criterion.objects.exists() or IndustryRow.objects.exists():
        return 0
    industries = {i.code: i for i in Industry.objects.filter(code__in=[code for code, _p in INDUSTRIES])}
    if len(industries) != len(INDUSTRIES):
        return 0
    criteria = [
        services.criterion_create(
            actor=None, data={"name": name, "name_en": name_en, "direction": direction, "position": position}
        )
        for position, (name, name_en, direction, _scores) in enumerate(CRITERIA)
    ]
    created = len(criteria)
    for position, (code, printed) in enumerate(INDUSTRIES):
        override, reason = DECISIONS.get(code, ("", ""))
        row = services.industry_row_create(
            actor=None,
            industry=industries[code],
            data={
                "position": position,
                "printed_total": printed,
                "override_class": override,
                "override_reason": reason,
            },
        )
        for criterion, (_name, _en, _direction, scores) in zip(criteria, CRITERIA, strict=True):
            services.score_set(row=row, criterion=criterion, value=Decimal(scores[position]), actor=None)
        created += 1
    return created


def _profiles() -> int:
    created = 0
    for code, data in PROFILES.items():
        industry = Industry.objects.filter(code=code).first()
        if industry is not None and not IndustryProfile.objects.filter(industry=industry).exists():
            services.profile_save(actor=None, industry=industry, data=data)
            created += 1
    return created


def _business_lines() -> int:
    created = 0
    for name, name_en, value_chain_class, usp in BUSINESS_LINES:
        if not BusinessLine.objects.filter(name=name).exists():
            services.business_line_create(
                actor=None,
                data={"name": name, "name_en": name_en, "value_chain_class": value_chain_class, "usp": usp},
            )
            created += 1
    return created


def _spd_plan() -> int:
    account = Account.objects.filter(code="110").first()
    if account is None or AccountPlan.objects.filter(account=account).exists():
        return 0
    owner = User.objects.filter(username="linshan").first() or account.owner
    first = services.plan_create(
        actor=None,
        account=account,
        data={"owner": owner, "status": "approved", "review_date": datetime.date(2026, 6, 30), **SPD_PLAN},
    )
    for position, (title, horizon, profitability, competitive, feasibility) in enumerate(SPD_MEASURES):
        services.measure_create(
            actor=None,
            plan=first,
            data={
                "position": position,
                "title": title,
                "horizon": horizon,
                "profitability": profitability,
                "competitive_situation": competitive,
                "feasibility": feasibility,
            },
        )
    for role, people_c, people_p, hours_c, hours_p, budget_c, budget_p in SPD_RESOURCES:
        services.resource_create(
            actor=None,
            plan=first,
            data={
                "role": role,
                "people_committed": people_c,
                "people_promised": people_p,
                "hours_committed": hours_c,
                "hours_promised": hours_p,
                "budget_committed": budget_c,
                "budget_promised": budget_p,
            },
        )
    second = services.plan_new_version(plan=first, actor=None)
    services.plan_update(plan=second, actor=None, data={"review_date": datetime.date(2026, 12, 31)})
    return 2
