"""The demo company (ARCHITECTURE §5), built from the method's own examples. Idempotent."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kam.accounts import services
from kam.accounts.models import Account, Contact, ExchangeRate, Industry, Interaction
from kam.users.models import Team, User
from kam.users.services import team_create, user_create

DEMO_PASSWORD = "kam-demo-2026"

#: The IMSC attractiveness matrix's industries (M2.1), plus manufacturing for M3.6/M3.8.
INDUSTRIES = [
    ("government", "政府", "Government"),
    ("telecom", "电信", "Telecom"),
    ("education", "教育", "Education"),
    ("finance", "金融", "Finance"),
    ("retail", "零售连锁", "Retail chains"),
    ("energy", "能源", "Energy"),
    ("logistics", "物流", "Logistics"),
    ("healthcare", "医疗卫生", "Healthcare"),
    ("transport", "交通", "Transport"),
    ("manufacturing", "制造业", "Manufacturing"),
]

TEAMS = [  # (name, kind, parent)
    ("销售总部 Sales HQ", "department", None),
    ("华东大区 East China", "region", "销售总部 Sales HQ"),
    ("金融行业部 Finance division", "industry_division", "销售总部 Sales HQ"),
    ("华南大区 South China", "region", "销售总部 Sales HQ"),
]

USERS = [  # (username, full name, role, team, title)
    ("admin", "系统管理员 Admin", "admin", None, "IT"),
    ("director", "陈总监 Chen (sales director)", "manager", "销售总部 Sales HQ", "销售总监 Sales director"),
    ("linshan", "林山 Lin Shan", "member", "金融行业部 Finance division", "客户经理 Account manager"),
    ("zhangwei", "张伟 Zhang Wei", "member", "华东大区 East China", "客户经理 Account manager"),
    ("presales", "李工 Li (presales)", "member", "华东大区 East China", "售前工程师 Presales engineer"),
    ("auditor", "审计员 Auditor", "auditor", None, "内审 Internal audit"),
    (
        "wangfang",
        "王芳 Wang Fang (M3.8 territory)",
        "member",
        "华南大区 South China",
        "客户经理 Account manager",
    ),
]

#: M3.8's territory: 30 customers of one account manager, by industry (machinery, aviation, automotive,
#: electrical, government), ownership, relationship quality, source and product. The pipeline demo gives
#: each one deal so the sales-status chart shows the seed's 14 / 10 / 4 / 1 / 1.
M38_CITIES = ["沈阳", "西安", "长春", "上海", "杭州", "苏州", "宁波", "南京", "无锡", "合肥"]
M38_TRADES = [  # (name part, industry, ownership, product)
    ("重型机械厂", "manufacturing", "state_owned", "棉花打包机械 Cotton-packing machinery"),
    ("航空零部件公司", "manufacturing", "state_owned", "电脑配件 Computer parts"),
    ("汽车配件有限公司", "manufacturing", "joint_venture", "气缸阀门 Cylinders / valves"),
    ("电气控制设备厂", "manufacturing", "collective", "气缸阀门 Cylinders / valves"),
    ("市政务服务中心", "government", "government", "电脑配件 Computer parts"),
    ("精密机械有限公司", "manufacturing", "private", "棉花打包机械 Cotton-packing machinery"),
]
M38_SOURCES = ["industry_conference", "prospecting", "add_on_purchase", "ad_response", "customer_referral"]
M38_QUALITY = ["good", "average", "average", "poor"]
#: The seed's status mix (M3.8): first visit 14, proposal submitted 10, negotiation 4, signed 1, maintenance 1.
M38_STATUS = (
    ["first_visit"] * 14
    + ["proposal_submitted"] * 10
    + ["negotiation"] * 4
    + ["contract_signed", "maintenance"]
)


def m38_customers() -> list[dict]:
    """The 30 customers of the M3.8 territory, deterministic."""
    customers = []
    for index in range(30):
        trade, industry, ownership, product = M38_TRADES[index % len(M38_TRADES)]
        city = M38_CITIES[index % len(M38_CITIES)]
        name = (
            f"{city}{trade}"
            if index < len(M38_CITIES)
            else f"{city}{['华兴', '东方', '新达'][index // 10]}{trade}"
        )
        customers.append(
            {
                "code": f"M38-{index + 1:02d}",
                "name": name,
                "industry": industry,
                "ownership": ownership,
                "lead_source": M38_SOURCES[index % len(M38_SOURCES)],
                "region": city,
                "relationship_quality": M38_QUALITY[index % len(M38_QUALITY)],
                "product": product,
                "status": M38_STATUS[index],
            }
        )
    return customers


#: Units of CNY per unit of each currency (an administrator keeps them current on the exchange-rates page).
EXCHANGE_RATES = [("USD", "7.10"), ("EUR", "7.80"), ("HKD", "0.92")]


def _industry(code):
    return Industry.objects.get(code=code)


@transaction.atomic
def load_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    """Create the demo company if it is not there; running it again changes nothing."""
    today = today or timezone.localdate()
    for code, name, name_en in INDUSTRIES:
        if not Industry.objects.filter(code=code).exists():
            services.industry_create(actor=None, code=code, name=name, name_en=name_en)
    if settings.KAM_REPORTING_CURRENCY == "CNY":  # the demo's rates are in CNY
        for currency, rate in EXCHANGE_RATES:
            if not ExchangeRate.objects.filter(currency=currency).exists():
                services.exchange_rate_set(actor=None, currency=currency, rate=Decimal(rate))
    for name, kind, parent in TEAMS:
        if not Team.objects.filter(name=name).exists():
            team_create(actor=None, name=name, kind=kind, parent=Team.objects.filter(name=parent).first())
    for username, full_name, role, team, title in USERS:
        if not User.objects.filter(username=username).exists():
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                team=Team.objects.filter(name=team).first(),
                title=title,
                is_staff=role == "admin",
                is_superuser=role == "admin",
                email=f"{username}@example.com",
            )
    people = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in USERS])}

    spd = _spd_bank(people)
    tobacco = _shanghai_tobacco(people, today)
    group = _buying_center_example(people)
    for customer in m38_customers():
        if not Account.objects.filter(code=customer["code"]).exists():
            fields = {
                k: customer[k]
                for k in ("code", "name", "ownership", "lead_source", "region", "relationship_quality")
            }
            services.account_create(
                actor=None,
                data={
                    **fields,
                    "industry": _industry(customer["industry"]),
                    "status": "prospect",
                    "owner": people["wangfang"],
                },
            )
    return {
        "accounts": Account.objects.count(),
        "contacts": Contact.objects.count(),
        "interactions": Interaction.objects.count(),
        "users": User.objects.count(),
        "demo_accounts": len([spd, tobacco, group]),
    }


def _contact(account, name, **fields):
    existing = account.contacts.filter(name=name).first()
    return existing or services.contact_create(actor=None, account=account, data={"name": name, **fields})


def _spd_bank(people):
    """SPD Bank, customer no. 110, with the three key influencers of the M2.6 progress report."""
    account = Account.objects.filter(code="110").first() or services.account_create(
        actor=None,
        data={
            "name": "上海浦东发展银行",
            "code": "110",
            "industry": _industry("finance"),
            "ownership": "listed",
            "is_listed": True,
            "region": "上海",
            "company_size": "enterprise",
            "status": "active",
            "lead_source": "prospecting",
            "address": "上海市中山东一路12号",
            "post_code": "200002",
            "website": "https://www.spdb.com.cn",
            "owner": people["linshan"],
            "notes": "项目0202：电话回访中心从网通转到我方（M2.6 拜访计划与销售进度管理）。",
        },
    )
    services.account_team_add(account=account, actor=None, user=people["presales"], role="presales")
    services.account_team_add(account=account, actor=None, user=people["director"], role="executive_sponsor")
    _contact(account, "郑师超", title="主任 Director", department="办公室 Office")
    _contact(account, "林智勇", title="电脑部经理 IT manager", department="电脑部 IT dept")
    _contact(account, "黄艾香", title="主管 Head", department="电话回访中心 Call-back centre")
    return account


def _shanghai_tobacco(people, today):
    """Shanghai Tobacco Industrial Printing and its three logged contacts (M3.6)."""
    account = Account.objects.filter(code="STIP").first() or services.account_create(
        actor=None,
        data={
            "name": "上海烟草工业印刷厂",
            "code": "STIP",
            "industry": _industry("manufacturing"),
            "ownership": "state_owned",
            "region": "上海",
            "lead_source": "ad_response",
            "status": "prospect",
            "owner": people["zhangwei"],
            "notes": "Uses company X's talent-assessment software; wants a better price and faster service.",
        },
    )
    tang = _contact(account, "唐军", title="办公室主任 Office director", department="办公室 Office")
    if not account.interactions.exists():
        log = [
            (
                "phone",
                21,
                "电话联系办公室主任唐军，约定下周见面。Phoned office director Tang Jun; meeting next week.",
                "",
                None,
                True,
            ),
            (
                "visit",
                14,
                "拜访唐军：他们在用X公司的人才测评软件，希望价格更好、服务更快。"
                "Met him: they use company X's talent-assessment software "
                "and want a better price and faster service.",
                "",
                None,
                True,
            ),
            (
                "proposal",
                3,
                "把我方方案交给唐军：“看起来不错”，将与人力资源总监商量，两周内回电。Gave him our plan: "
                "“looks good”; he will discuss it with the HR director and call back within two weeks.",
                "两周内跟进唐军与人力资源总监的意见 Follow up on the HR director's view",
                11,
                False,
            ),
        ]
        for kind, days_ago, content, next_step, due_in, done in log:
            services.interaction_create(
                actor=None,
                account=account,
                data={
                    "kind": kind,
                    "occurred_on": today - datetime.timedelta(days=days_ago),
                    "owner": people["zhangwei"],
                    "content": content,
                    "next_step": next_step,
                    "next_step_due": today + datetime.timedelta(days=due_in) if due_in else None,
                    "next_step_done": done,
                    "our_people": [people["zhangwei"]],
                    "their_people": [tang],
                },
            )
    return account


def _buying_center_example(people):
    """The 张华/李建/王桑/李阳 buying center of M4.3, as an org chart under the general manager."""
    account = Account.objects.filter(code="HDJX").first() or services.account_create(
        actor=None,
        data={
            "name": "华东机械装备集团",
            "code": "HDJX",
            "industry": _industry("manufacturing"),
            "ownership": "state_owned",
            "region": "南京",
            "company_size": "large",
            "status": "prospect",
            "registered_capital": Decimal("500000000.00"),
            "lead_source": "industry_conference",
            "owner": people["zhangwei"],
        },
    )
    gm = _contact(
        account,
        "李阳",
        title="总经理 General manager",
        department="总经理室 GM office",
        notes="Final decision maker; relationship unknown (M4.3).",
    )
    _contact(
        account,
        "张华",
        title="技术部部长 Head of technology",
        department="技术部 Technical",
        reports_to=gm,
        notes="Decides the technology choice; neutral (M4.3).",
    )
    _contact(
        account,
        "李建",
        title="采购经理 Purchasing manager",
        department="采购部 Purchasing",
        reports_to=gm,
        notes="Screens information and picks suitable vendors; supporter (M4.3).",
    )
    _contact(
        account,
        "王桑",
        title="财务经理 Finance manager",
        department="财务部 Finance",
        reports_to=gm,
        notes="Influence; opponent (M4.3).",
    )
    return account
