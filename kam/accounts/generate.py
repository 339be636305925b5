"""Synthetic accounts, contacts and contact log at scale (`kam generate`, `kam bench`).

Everything is drawn from `random.Random` streams seeded with the `seed`, so the same seed gives the
same names, people and contact log (codes and database ids may differ when data already exists: the
codes continue after the highest ``GEN-…`` code, so a rerun never collides with an earlier run).

Reference data — industries, teams, users — is created through the ordinary services (audited).
The bulk rows are written in batches of 5,000: ``COPY … FROM STDIN`` on PostgreSQL, a prepared
``executemany`` on SQLite (Django's ``bulk_create`` caps an SQLite statement at 999 parameters and
compiles each one in Python: 4× slower here), ``bulk_create`` on other databases. Database ids are
reserved before the rows are built (``nextval`` on PostgreSQL, ``MAX(id)`` inside the write
transaction on SQLite), so contacts can point at their manager and the contact log at its people
without reading anything back.

Auditing: by default every generated account, account-team member, contact and interaction gets its
ObjectChange through :func:`kam.audit.services.audit_bulk` (one JSON snapshot per record).
``audit=False`` skips that for bench-scale data: at a million accounts the snapshots would be about
five million extra rows and several GB of JSON that tell nobody anything (every entry would say
"created by system"), and writing them would take longer than generating the data itself.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db import connections, transaction
from django.utils import timezone

from kam.accounts.choices import AccountStatus, AccountTeamRole, CompanySize, InteractionKind, LeadSource
from kam.accounts.choices import Ownership as Own
from kam.accounts.models import Account, AccountTeamMember, Contact, Industry, Interaction
from kam.audit.services import audit_bulk, snapshot
from kam.users.choices import Role, TeamKind
from kam.users.models import Team, User

ACCOUNT_CODE_PREFIX = "GEN-"
ACCOUNT_CODE_WIDTH = 7  # GEN-0000001 … GEN-9999999
CONTACT_CODE_PREFIX = "GENC-"
CONTACT_CODE_WIDTH = 8
INSERT_BATCH = 5000
CHUNK_ACCOUNTS = 5000  # accounts (with their contacts and contact log) per write transaction

# --- people and teams --------------------------------------------------------------------------

HQ_TEAM = ("生成数据销售部 Generated sales", TeamKind.DEPARTMENT)
SUB_TEAMS = [
    ("生成数据·华东 Generated East", TeamKind.REGION),
    ("生成数据·华北 Generated North", TeamKind.REGION),
]
DIRECTOR_USERNAME = "gen-director"
MANAGER_USERNAMES = ["gen-manager-east", "gen-manager-north"]  # one per SUB_TEAMS entry
OWNER_USERNAME = "gen-owner-{:04d}"

# --- word lists ------------------------------------------------------------------------------

#: (城市, City, area code, post-code prefix, weight)
CITIES = [
    ("北京", "Beijing", "010", "100", 9),
    ("上海", "Shanghai", "021", "200", 9),
    ("广州", "Guangzhou", "020", "510", 6),
    ("深圳", "Shenzhen", "0755", "518", 7),
    ("天津", "Tianjin", "022", "300", 4),
    ("重庆", "Chongqing", "023", "400", 4),
    ("杭州", "Hangzhou", "0571", "310", 5),
    ("南京", "Nanjing", "025", "210", 4),
    ("苏州", "Suzhou", "0512", "215", 4),
    ("武汉", "Wuhan", "027", "430", 4),
    ("成都", "Chengdu", "028", "610", 4),
    ("西安", "Xi'an", "029", "710", 3),
    ("沈阳", "Shenyang", "024", "110", 2),
    ("大连", "Dalian", "0411", "116", 2),
    ("青岛", "Qingdao", "0532", "266", 2),
    ("济南", "Jinan", "0531", "250", 2),
    ("郑州", "Zhengzhou", "0371", "450", 2),
    ("长沙", "Changsha", "0731", "410", 2),
    ("合肥", "Hefei", "0551", "230", 2),
    ("福州", "Fuzhou", "0591", "350", 2),
    ("厦门", "Xiamen", "0592", "361", 2),
    ("宁波", "Ningbo", "0574", "315", 2),
    ("无锡", "Wuxi", "0510", "214", 2),
    ("长春", "Changchun", "0431", "130", 1),
    ("哈尔滨", "Harbin", "0451", "150", 1),
    ("昆明", "Kunming", "0871", "650", 1),
    ("南宁", "Nanning", "0771", "530", 1),
    ("贵阳", "Guiyang", "0851", "550", 1),
    ("南昌", "Nanchang", "0791", "330", 1),
    ("石家庄", "Shijiazhuang", "0311", "050", 1),
    ("太原", "Taiyuan", "0351", "030", 1),
    ("兰州", "Lanzhou", "0931", "730", 1),
    ("佛山", "Foshan", "0757", "528", 2),
    ("东莞", "Dongguan", "0769", "523", 2),
    ("温州", "Wenzhou", "0577", "325", 1),
    ("常州", "Changzhou", "0519", "213", 1),
    ("烟台", "Yantai", "0535", "264", 1),
]

#: Characters for two-character trade names (字号), with pinyin for English names and web domains.
BRAND_CHARS = [
    ("华", "Hua"), ("信", "Xin"), ("中", "Zhong"), ("海", "Hai"), ("天", "Tian"), ("恒", "Heng"),
    ("瑞", "Rui"), ("达", "Da"), ("通", "Tong"), ("宏", "Hong"), ("远", "Yuan"), ("鑫", "Xin"),
    ("泰", "Tai"), ("盛", "Sheng"), ("安", "An"), ("康", "Kang"), ("新", "Xin"), ("金", "Jin"),
    ("鼎", "Ding"), ("创", "Chuang"), ("博", "Bo"), ("联", "Lian"), ("和", "He"), ("汇", "Hui"),
    ("嘉", "Jia"), ("明", "Ming"), ("宇", "Yu"), ("志", "Zhi"), ("正", "Zheng"), ("德", "De"),
    ("丰", "Feng"), ("益", "Yi"), ("东", "Dong"), ("方", "Fang"), ("长", "Chang"), ("浩", "Hao"),
    ("腾", "Teng"), ("凯", "Kai"), ("众", "Zhong"), ("星", "Xing"), ("辰", "Chen"), ("光", "Guang"),
    ("润", "Run"), ("荣", "Rong"), ("祥", "Xiang"), ("利", "Li"), ("源", "Yuan"), ("科", "Ke"),
    ("亿", "Yi"), ("维", "Wei"), ("航", "Hang"), ("力", "Li"), ("隆", "Long"), ("昌", "Chang"),
]  # fmt: skip

#: Per industry code: (descriptors as (中文, English), company suffix kind).
INDUSTRY_WORDS: dict[str, list[tuple[str, str]]] = {
    "telecom": [("通信技术", "Communication Technology"), ("网络科技", "Network Technology"),
                ("信息产业", "Information Industry"), ("数据通信", "Data Communications"),
                ("光电通信", "Optical Communications")],
    "education": [("教育科技", "Education Technology"), ("培训", "Training"),
                  ("文化教育", "Culture & Education"), ("职业教育", "Vocational Education")],
    "finance": [("银行", "Bank"), ("证券", "Securities"), ("保险", "Insurance"), ("信托", "Trust"),
                ("融资租赁", "Financial Leasing"), ("基金管理", "Fund Management")],
    "retail": [("连锁超市", "Supermarkets"), ("商贸", "Trading"), ("百货", "Department Stores"),
               ("便利店", "Convenience Stores"), ("电器连锁", "Electronics Retail")],
    "energy": [("能源", "Energy"), ("电力设备", "Power Equipment"), ("新能源科技", "New Energy"),
               ("燃气", "Gas"), ("石油化工", "Petrochemicals"), ("光伏", "Photovoltaics")],
    "logistics": [("物流", "Logistics"), ("供应链管理", "Supply Chain Management"), ("快运", "Express"),
                  ("仓储", "Warehousing"), ("国际货运代理", "International Freight")],
    "healthcare": [("医疗科技", "Medical Technology"), ("医药", "Pharmaceutical"),
                   ("医疗器械", "Medical Devices"), ("健康管理", "Health Management"),
                   ("生物科技", "Biotechnology")],
    "transport": [("交通建设", "Transport Construction"), ("航运", "Shipping"),
                  ("客运", "Passenger Transport"),
                  ("轨道交通", "Rail Transit"), ("港务", "Port")],
    "manufacturing": [("精密机械", "Precision Machinery"), ("汽车零部件", "Auto Parts"),
                      ("电子科技", "Electronics"), ("重工", "Heavy Industries"), ("化工", "Chemicals"),
                      ("电气控制设备", "Electrical Controls"), ("阀门", "Valves"), ("纺织", "Textiles"),
                      ("食品", "Foods"), ("建材", "Building Materials")],
}  # fmt: skip
GENERIC_WORDS = [("科技", "Technology"), ("实业", "Industrial"), ("贸易", "Trading"), ("服务", "Services")]
GOVERNMENT_BODIES = [
    ("政务服务中心", "Government Service Center"), ("大数据管理局", "Big Data Bureau"),
    ("公共资源交易中心", "Public Resources Trading Center"),
    ("人力资源和社会保障局", "Human Resources Bureau"), ("税务局", "Tax Bureau"),
    ("市场监督管理局", "Market Regulation Bureau"), ("交通运输局", "Transport Bureau"),
    ("教育局", "Education Bureau"), ("卫生健康委员会", "Health Commission"),
    ("公安局", "Public Security Bureau"),
]  # fmt: skip
DISTRICTS = [
    ("高新", "Gaoxin"), ("经开", "Jingkai"), ("滨江", "Binjiang"), ("城东", "Chengdong"), ("城西", "Chengxi"),
    ("城南", "Chengnan"), ("城北", "Chengbei"), ("新城", "Xincheng"), ("临港", "Lingang"), ("南湖", "Nanhu"),
]  # fmt: skip
ROADS = [
    "人民",
    "解放",
    "建设",
    "中山",
    "和平",
    "长江",
    "黄河",
    "科技",
    "创新",
    "文化",
    "学院",
    "新华",
    "胜利",
]
#: (中文, English, weight); the last element says whether it makes the company a group (parent).
SUFFIXES = [
    ("有限公司", "Co., Ltd.", 50, False),
    ("股份有限公司", "Corporation", 20, False),
    ("有限责任公司", "Co., Ltd.", 10, False),
    ("集团有限公司", "Group Co., Ltd.", 12, True),
    ("集团", "Group", 8, True),
]

SURNAMES = [
    ("王", "Wang", 9), ("李", "Li", 9), ("张", "Zhang", 8), ("刘", "Liu", 7), ("陈", "Chen", 6),
    ("杨", "Yang", 4), ("黄", "Huang", 3), ("赵", "Zhao", 3), ("吴", "Wu", 3), ("周", "Zhou", 3),
    ("徐", "Xu", 2), ("孙", "Sun", 2), ("马", "Ma", 2), ("朱", "Zhu", 2), ("胡", "Hu", 2),
    ("郭", "Guo", 2), ("何", "He", 2), ("高", "Gao", 2), ("林", "Lin", 2), ("罗", "Luo", 2),
    ("郑", "Zheng", 1), ("梁", "Liang", 1), ("谢", "Xie", 1), ("宋", "Song", 1), ("唐", "Tang", 1),
    ("许", "Xu", 1), ("韩", "Han", 1), ("冯", "Feng", 1), ("邓", "Deng", 1), ("曹", "Cao", 1),
    ("彭", "Peng", 1), ("曾", "Zeng", 1), ("肖", "Xiao", 1), ("田", "Tian", 1), ("董", "Dong", 1),
    ("潘", "Pan", 1), ("袁", "Yuan", 1), ("蒋", "Jiang", 1), ("蔡", "Cai", 1), ("沈", "Shen", 1),
]  # fmt: skip
GIVEN_CHARS = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("华", "hua"),
    ("玉", "yu"), ("红", "hong"), ("鹏", "peng"), ("辉", "hui"), ("建", "jian"), ("国", "guo"),
    ("文", "wen"), ("斌", "bin"), ("宇", "yu"), ("浩", "hao"), ("凯", "kai"), ("健", "jian"),
    ("俊", "jun"), ("帆", "fan"), ("旭", "xu"), ("宁", "ning"), ("龙", "long"), ("欣", "xin"),
    ("晨", "chen"), ("雪", "xue"), ("琳", "lin"), ("晶", "jing"), ("颖", "ying"), ("婷", "ting"),
    ("飞", "fei"), ("鑫", "xin"), ("波", "bo"), ("志", "zhi"), ("海", "hai"), ("桑", "sang"),
]  # fmt: skip
ENGLISH_FIRST_NAMES = [
    "David", "Michael", "Kevin", "Jason", "Eric", "Tony", "Peter", "Frank", "Jack", "Vincent",
    "Grace", "Linda", "Amy", "Helen", "Cindy", "Emily", "Sophie", "Anna", "Julia", "Vivian",
]  # fmt: skip
TOP_TITLES = [
    ("总经理 General manager", "总经办 Executive office"), ("董事长 Chairman", "董事会 Board"),
    ("副总裁 Vice president", "总经办 Executive office"), ("首席信息官 CIO", "信息中心 IT centre"),
    ("总裁 President", "总经办 Executive office"),
    ("副总经理 Deputy general manager", "总经办 Executive office"),
]  # fmt: skip
DEPARTMENTS = [
    "信息中心 IT centre", "采购部 Procurement", "财务部 Finance", "办公室 Office", "技术部 Engineering",
    "运营部 Operations", "市场部 Marketing", "生产部 Production", "法务部 Legal", "客服中心 Service centre",
]  # fmt: skip
STAFF_TITLES = [
    ("经理 Manager", 4), ("副经理 Deputy manager", 2), ("主管 Head", 3), ("工程师 Engineer", 4),
    ("高级工程师 Senior engineer", 2), ("专员 Specialist", 3), ("主任 Director", 1), ("助理 Assistant", 1),
]  # fmt: skip
HOBBIES = ["高尔夫 Golf", "羽毛球 Badminton", "茶艺 Tea", "钓鱼 Fishing", "摄影 Photography",
           "书法 Calligraphy", "跑步 Running", "围棋 Go", "登山 Hiking", "足球 Football"]  # fmt: skip

WEIGHTED = dict  # readability: {choice: weight}
INDUSTRY_WEIGHTS: WEIGHTED = {
    "manufacturing": 30, "retail": 10, "finance": 9, "energy": 8, "logistics": 9, "telecom": 6,
    "healthcare": 9, "education": 7, "transport": 5, "government": 7,
}  # fmt: skip
OWNERSHIP_WEIGHTS: WEIGHTED = {
    Own.PRIVATE: 45, Own.STATE_OWNED: 18, Own.JOINT_VENTURE: 8, Own.FOREIGN_OWNED: 7, Own.LISTED: 9,
    Own.COLLECTIVE: 4, Own.OTHER: 3,
}  # fmt: skip
STATUS_WEIGHTS: WEIGHTED = {
    AccountStatus.PROSPECT: 40,
    AccountStatus.ACTIVE: 35,
    AccountStatus.DORMANT: 17,
    AccountStatus.CLOSED: 8,
}
LEAD_SOURCE_WEIGHTS: WEIGHTED = {
    LeadSource.PROSPECTING: 25, LeadSource.CUSTOMER_REFERRAL: 18, LeadSource.TRADE_SHOW: 14,
    LeadSource.INDUSTRY_CONFERENCE: 12, LeadSource.INBOUND: 12, LeadSource.AD_RESPONSE: 10,
    LeadSource.ADD_ON_PURCHASE: 9,
}  # fmt: skip
#: size: (weight, registered capital range in CNY)
SIZES = {
    CompanySize.MICRO: (20, 500_000, 5_000_000),
    CompanySize.SMALL: (30, 5_000_000, 50_000_000),
    CompanySize.MEDIUM: (25, 20_000_000, 200_000_000),
    CompanySize.LARGE: (17, 100_000_000, 2_000_000_000),
    CompanySize.ENTERPRISE: (8, 1_000_000_000, 50_000_000_000),
}
#: The activity funnel (M3.7): many calls, fewer visits, fewer technical exchanges, proposals, deals.
KIND_WEIGHTS: WEIGHTED = {
    InteractionKind.PHONE: 40, InteractionKind.EMAIL: 14, InteractionKind.VISIT: 18,
    InteractionKind.TECHNICAL_EXCHANGE: 9, InteractionKind.PROPOSAL: 6, InteractionKind.NEGOTIATION: 4,
    InteractionKind.EVENT: 6, InteractionKind.OTHER: 3,
}  # fmt: skip
#: How much contact log an account of each status attracts.
STATUS_ACTIVITY = {
    AccountStatus.ACTIVE: 5.0,
    AccountStatus.PROSPECT: 3.0,
    AccountStatus.DORMANT: 1.0,
    AccountStatus.CLOSED: 0.3,
}
TEAM_ROLE_WEIGHTS: WEIGHTED = {
    AccountTeamRole.PRESALES: 50, AccountTeamRole.SERVICE: 25, AccountTeamRole.EXECUTIVE_SPONSOR: 10,
    AccountTeamRole.COMMERCIAL: 10, AccountTeamRole.OTHER: 5,
}  # fmt: skip
TEAM_MEMBER_SHARE = 0.12  # accounts with one more of our people on the account team

TOPICS = ["呼叫中心改造", "数据中心扩容", "ERP 升级", "网络安全等保", "云平台迁移", "视频会议系统",
          "智能客服", "统一通信", "数据治理", "运维外包", "终端更新", "灾备方案"]  # fmt: skip
CONTENT = {
    InteractionKind.PHONE: ["电话沟通{t}需求，对方表示{r}。", "电话回访，了解{t}项目进展，{r}。",
                            "致电确认拜访时间，顺带了解{t}预算情况。"],
    InteractionKind.EMAIL: ["发送{t}资料和成功案例，{r}。", "邮件确认会议纪要及{t}下一步安排。"],
    InteractionKind.VISIT: ["拜访客户，介绍{t}方案，{r}。", "上门拜访关键人，了解{t}决策流程，{r}。",
                            "陪同领导高层拜访，就{t}合作达成初步共识。"],
    InteractionKind.TECHNICAL_EXCHANGE: ["与信息中心技术交流{t}，{r}。", "现场演示{t}，技术部提出若干问题。"],
    InteractionKind.PROPOSAL: ["提交{t}建议书及报价，{r}。", "讲解{t}解决方案，客户要求补充实施计划。"],
    InteractionKind.NEGOTIATION: ["商务谈判{t}价格与付款条件，{r}。", "就{t}合同条款进行谈判，{r}。"],
    InteractionKind.EVENT: ["邀请客户参加{t}行业沙龙，{r}。", "客户参观公司展厅，了解{t}案例。"],
    InteractionKind.OTHER: ["内部协调{t}资源。", "了解到客户组织架构调整，影响{t}项目。"],
}  # fmt: skip
REACTIONS = ["态度积极", "需要内部讨论", "预算尚未确定", "希望尽快看到方案", "对价格比较敏感",
             "竞争对手也在接触", "关键人出差，需再约", "认可我方技术实力"]  # fmt: skip
NEXT_STEPS = {
    InteractionKind.PHONE: ["预约上门拜访", "发送产品资料", "确认项目预算"],
    InteractionKind.EMAIL: ["电话跟进资料反馈", "安排技术交流"],
    InteractionKind.VISIT: ["安排技术交流", "邀请参观样板客户", "整理需求清单"],
    InteractionKind.TECHNICAL_EXCHANGE: ["提交方案建议书", "安排测试环境"],
    InteractionKind.PROPOSAL: ["跟进方案评审结果", "调整报价"],
    InteractionKind.NEGOTIATION: ["准备合同文本", "申请特价审批"],
    InteractionKind.EVENT: ["回访活动感受"],
    InteractionKind.OTHER: ["同步项目组"],
}  # fmt: skip


def _cum(weights: dict) -> tuple[list, list]:
    keys = list(weights)
    return keys, list(accumulate(weights[k] for k in keys))


class _Picker:
    """Weighted choice with precomputed cumulative weights (much faster than random.choices per call)."""

    __slots__ = ("keys", "cum", "total")

    def __init__(self, weights: dict | list[tuple]):
        items = list(weights.items()) if isinstance(weights, dict) else weights
        self.keys = [k for k, _ in items]
        self.cum = list(accumulate(w for _, w in items))
        self.total = self.cum[-1]

    def __call__(self, r):
        """`r` is a random.Random's bound `random` method."""
        return self.keys[bisect_right(self.cum, r() * self.total)]


def _choice(r, seq):
    """random.choice, drawn from `r()` (several times faster than Random.choice)."""
    return seq[int(r() * len(seq))]


def _between(r, low: int, high: int) -> int:
    """A whole number in [low, high), like Random.randrange(low, high)."""
    return low + int(r() * (high - low))


@dataclass
class GenerateResult:
    accounts: int = 0
    contacts: int = 0
    interactions: int = 0
    team_members: int = 0
    interaction_people: int = 0
    audit_entries: int = 0
    seconds: float = 0.0
    first_account_code: str | None = None
    last_account_code: str | None = None
    users: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows written in the bulk phase (accounts, team, contacts, contact log, its people, audit)."""
        return (
            self.accounts
            + self.contacts
            + self.interactions
            + self.team_members
            + self.interaction_people
            + self.audit_entries
        )

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "accounts": self.accounts,
            "contacts": self.contacts,
            "interactions": self.interactions,
            "team_members": self.team_members,
            "interaction_people": self.interaction_people,
            "audit_entries": self.audit_entries,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "rows_per_s": round(self.rows_per_s, 1),
            "accounts_per_s": round(self.accounts / self.seconds, 1) if self.seconds else 0.0,
            "first_account_code": self.first_account_code,
            "last_account_code": self.last_account_code,
        }


# --- reference data through the services ------------------------------------------------------


def _person_name(index: int) -> tuple[str, str]:
    """A stable Chinese name for generated user number `index` (independent of the seed)."""
    rng = random.Random(f"kam-generate-user-{index}")
    surname, pinyin, _w = rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN_CHARS)[0] for _ in range(rng.choice((1, 2))))
    return surname + given, pinyin


def ensure_industries() -> list[Industry]:
    """The industries to draw from: the demo set (created through the service when missing)."""
    from kam.accounts.demo import INDUSTRIES
    from kam.accounts.services import industry_create

    existing = {i.code: i for i in Industry.objects.all()}
    for code, name, name_en in INDUSTRIES:
        if code not in existing and not Industry.objects.filter(name=name).exists():
            existing[code] = industry_create(actor=None, code=code, name=name, name_en=name_en)
    return sorted(existing.values(), key=lambda i: i.code)


def ensure_people(*, owners: int) -> dict:
    """Teams and users for generated data, reused when they exist (created through the services).

    A department with two regional sub-teams; a director (manager of the department), a manager per
    sub-team, and `owners` members alternating between the sub-teams who own the accounts.
    """
    from kam.users.services import team_create, user_create

    def team(name, kind, parent):
        found = Team.objects.filter(name=name, parent=parent).first()
        return found or team_create(actor=None, name=name, kind=kind, parent=parent)

    def user(username, *, index, role, team_obj, title):
        found = User.objects.filter(username=username).first()
        if found:
            return found
        full_name, _pinyin = _person_name(index)
        return user_create(
            actor=None,
            username=username,
            full_name=f"{full_name} ({username})",
            role=role,
            team=team_obj,
            title=title,
            email=f"{username}@example.com",
        )

    hq = team(*HQ_TEAM, None)
    subs = [team(name, kind, hq) for name, kind in SUB_TEAMS]
    director = user(
        DIRECTOR_USERNAME, index=0, role=Role.MANAGER, team_obj=hq, title="销售总监 Sales director"
    )
    managers = [
        user(name, index=i + 1, role=Role.MANAGER, team_obj=sub, title="大区经理 Regional manager")
        for i, (name, sub) in enumerate(zip(MANAGER_USERNAMES, subs, strict=True))
    ]
    members = [
        user(
            OWNER_USERNAME.format(i),
            index=100 + i,
            role=Role.MEMBER,
            team_obj=subs[(i - 1) % len(subs)],
            title="客户经理 Account manager",
        )
        for i in range(1, owners + 1)
    ]
    return {"hq": hq, "teams": subs, "director": director, "managers": managers, "members": members}


# --- the bulk writer ---------------------------------------------------------------------------


class _Writer:
    """Inserts rows given as tuples in `columns` order: COPY on PostgreSQL, executemany on SQLite,
    bulk_create elsewhere."""

    def __init__(self, using: str):
        self.using = using
        self.connection = connections[using]
        self.postgres = self.connection.vendor == "postgresql"
        self._sqlite_cache_size = None
        if self.connection.vendor == "sqlite":
            # A bigger page cache for the run: the account table's dozen indexes take random inserts.
            with self.connection.cursor() as cursor:
                self._sqlite_cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
                cursor.execute("PRAGMA cache_size = -524288")  # 512 MiB

    def skip_fk_checks(self) -> None:
        """For the current transaction only: no trigger runs, so foreign keys are not re-checked."""
        from django.db import DatabaseError

        try:
            with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError as error:
            raise ValueError(
                f"Skipping foreign-key checks needs a PostgreSQL superuser ({error}); run without it."
            ) from error

    def close(self) -> None:
        if self._sqlite_cache_size is not None:
            with self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._sqlite_cache_size)}")

    def reserve_ids(self, model, count: int) -> list[int]:
        """`count` fresh primary keys for `model`. On SQLite call it inside the write transaction;
        PostgreSQL's sequences are not transactional, so ids may be reserved ahead of it."""
        if count <= 0:
            return []
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the transaction holds the write lock (BEGIN IMMEDIATE), so MAX(id) is ours.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.connection.ops.quote_name(table)}")
            start = cursor.fetchone()[0] + 1
            return list(range(start, start + count))

    def insert(self, model, columns: list[str], rows: list[tuple]) -> int:
        if not rows:
            return 0
        quote = self.connection.ops.quote_name
        table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
        if self.postgres:
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        elif self.connection.vendor == "sqlite":
            # One prepared INSERT run per row by executemany. bulk_create was 4x slower here: Django
            # caps an SQLite statement at 999 parameters (38 account rows) and compiles each in Python.
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            adapt = self._adapters(model, columns)
            with self.connection.cursor() as cursor:
                for start in range(0, len(rows), INSERT_BATCH):
                    batch = rows[start : start + INSERT_BATCH]
                    if adapt:
                        batch = [adapt(row) for row in batch]
                    cursor.executemany(sql, batch)
        else:
            objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            model._default_manager.using(self.using).bulk_create(objs, batch_size=INSERT_BATCH)
        return len(rows)

    def _adapters(self, model, columns: list[str]):
        """A row converter for what sqlite3's own adapters (dates, decimals) do not cover: aware
        datetimes, which Django stores as naive UTC text (the generator writes one `now` throughout)."""
        ops = self.connection.ops
        fields = {f.attname: f for f in model._meta.concrete_fields}
        indexes = [i for i, c in enumerate(columns) if fields[c].get_internal_type() == "DateTimeField"]
        if not indexes:
            return None
        adapt_datetime = _memo(ops.adapt_datetimefield_value)

        def adapt(row: tuple) -> list:
            values = list(row)
            for i in indexes:
                values[i] = adapt_datetime(values[i])
            return values

        return adapt


def _memo(function):
    """Remember the last conversion: every row of a run shares the same created_at/updated_at."""
    last = [object(), None]

    def adapt(value):
        if value is not last[0]:
            last[0], last[1] = value, function(value)
        return last[1]

    return adapt


def _next_number(model, prefix: str, using: str) -> int:
    """1 + the highest number among codes `prefix`NNN… (so reruns continue the numbering)."""
    last = (
        model._default_manager.using(using)
        .filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    if not last:
        return 1
    try:
        return int(last[len(prefix) :]) + 1
    except ValueError:
        return model._default_manager.using(using).filter(code__startswith=prefix).count() + 1


# --- the generator -----------------------------------------------------------------------------

#: Column order of the row tuples built below (a new NOT NULL column without a default fails loudly).
ACCOUNT_COLUMNS = [
    "id", "created_at", "updated_at", "version", "name", "code", "industry_id", "ownership", "region",
    "company_size", "currency", "registered_capital", "annual_revenue", "is_listed", "founded_on",
    "lead_source", "address", "post_code", "phone", "fax", "email", "website", "parent_id", "owner_id",
    "status", "relationship_quality", "notes",
]  # fmt: skip
A_ID, A_NAME, A_OWNER, A_STATUS = 0, 4, 23, 24
#: Relationship quality (M3.8) of customers we deal with; prospects have none yet.
QUALITY_CYCLE = ["good", "average", "average", "poor"]
CONTACT_COLUMNS = [
    "id", "created_at", "updated_at", "version", "account_id", "name", "code", "title", "department",
    "reports_to_id", "phone", "mobile", "email", "wechat", "hobbies", "notes", "is_active",
]  # fmt: skip
INTERACTION_COLUMNS = [
    "id", "created_at", "updated_at", "version", "account_id", "code", "kind", "occurred_on", "owner_id",
    "content", "next_step", "next_step_due", "next_step_done",
]  # fmt: skip
TEAM_COLUMNS = ["created_at", "updated_at", "version", "account_id", "user_id", "role"]
PEOPLE_COLUMNS = ["interaction_id", "contact_id"]
InteractionPeople = Interaction.their_people.through


class _Generator:
    def __init__(self, *, seed, contacts_per_account, industries, people, today, now):
        self.k = contacts_per_account
        self.today = today
        self.now = now
        # Independent streams, so e.g. more contacts per account do not change the account names.
        self.rng_accounts = random.Random(f"{seed}:accounts")
        self.rng_contacts = random.Random(f"{seed}:contacts")
        self.rng_log = random.Random(f"{seed}:interactions")
        self.rng_team = random.Random(f"{seed}:team")
        by_code = {i.code: i.pk for i in industries}
        weights = [(code, INDUSTRY_WEIGHTS.get(code, 3)) for code in by_code]
        self.industry = _Picker(weights)
        self.industry_ids = by_code
        self.city = _Picker([(c, c[4]) for c in CITIES])
        self.ownership = _Picker(OWNERSHIP_WEIGHTS)
        self.status = _Picker(STATUS_WEIGHTS)
        self.lead_source = _Picker(LEAD_SOURCE_WEIGHTS)
        self.size = _Picker({k: v[0] for k, v in SIZES.items()})
        self.suffix = _Picker([(s, s[2]) for s in SUFFIXES])
        self.surname = _Picker([(s, s[2]) for s in SURNAMES])
        self.staff_title = _Picker(STAFF_TITLES)
        self.kind = _Picker(KIND_WEIGHTS)
        self.team_role = _Picker(TEAM_ROLE_WEIGHTS)
        self.members = people["members"]
        self.member_ids = [u.pk for u in self.members]
        team_of = {u.pk: u.team_id for u in self.members}
        self.team_of = team_of
        self.teammates = {
            t: [u.pk for u in self.members if u.team_id == t] for t in {u.team_id for u in self.members}
        }
        self.manager_of_team = {m.team_id: m.pk for m in people["managers"]}
        self.group_ids: list[int] = []  # accounts whose name makes them a group, for subsidiaries

    # accounts ------------------------------------------------------------------------------
    def account_row(self, pk: int, code: str) -> tuple[tuple, str, bool]:
        """The account's row, its web domain (for e-mail addresses) and whether its name is English."""
        rng = self.rng_accounts
        r = rng.random
        industry = self.industry(r)
        city_zh, city_en, area, post, _w = self.city(r)
        ownership = Own.GOVERNMENT if industry == "government" else self.ownership(r)
        english = r() < (0.6 if ownership in (Own.FOREIGN_OWNED, Own.JOINT_VENTURE) else 0.08)
        is_group = False
        if industry == "government":
            body_zh, body_en = _choice(r, GOVERNMENT_BODIES)
            district_zh, district_en = _choice(r, DISTRICTS)
            if english:
                name = f"{city_en} {district_en} District {body_en}"
            else:
                name = f"{city_zh}市{district_zh}区{body_zh}"
            domain = city_en.lower().replace("'", "") + ".gov.cn"
        else:
            (c1, p1), (c2, p2) = _choice(r, BRAND_CHARS), _choice(r, BRAND_CHARS)
            word_zh, word_en = _choice(r, INDUSTRY_WORDS.get(industry, GENERIC_WORDS))
            suffix_zh, suffix_en, _w, is_group = self.suffix(r)
            with_city = r() < 0.7
            if english:
                name = f"{city_en + ' ' if with_city else ''}{p1}{p2.lower()} {word_en} {suffix_en}"
            else:
                name = f"{city_zh if with_city else ''}{c1}{c2}{word_zh}{suffix_zh}"
            place = "-" + city_en.lower().replace("'", "") if with_city else ""
            domain = f"{p1.lower()}{p2.lower()}{place}.com.cn"
        size = self.size(r)
        _w, low, high = SIZES[size]
        capital = _between(r, low // 10_000, high // 10_000) * 10_000
        revenue = int(capital * (0.3 + 2.7 * r()) // 10_000) * 10_000 if r() < 0.8 else None
        status = self.status(r)
        parent_id = None
        if self.group_ids and not is_group and r() < 0.04:
            parent_id = _choice(r, self.group_ids)
        if is_group:
            self.group_ids.append(pk)
        founded = datetime.date(_between(r, 1950, 2023), _between(r, 1, 13), _between(r, 1, 29))
        currency = (
            _choice(r, ("USD", "EUR", "HKD")) if ownership == Own.FOREIGN_OWNED and r() < 0.5 else "CNY"
        )
        owner_id = _choice(r, self.member_ids)
        row = (
            pk,
            self.now,
            self.now,
            1,
            name[:200],
            code,
            self.industry_ids[industry],
            ownership,
            city_zh,
            size,
            currency,
            Decimal(capital),
            None if revenue is None else Decimal(revenue),
            ownership == Own.LISTED or (ownership == Own.STATE_OWNED and r() < 0.15),
            founded,
            self.lead_source(r),
            f"{city_zh}市{_choice(r, DISTRICTS)[0]}区{_choice(r, ROADS)}路{_between(r, 1, 999)}号",
            f"{post}{_between(r, 0, 1000):03d}",
            f"{area}-{_between(r, 10_000_000, 100_000_000)}",
            f"{area}-{_between(r, 10_000_000, 100_000_000)}" if r() < 0.2 else "",
            f"info@{domain}" if r() < 0.5 else "",
            f"https://www.{domain}" if r() < 0.6 else "",
            parent_id,
            owner_id,
            status,
            "" if status == "prospect" else QUALITY_CYCLE[pk % len(QUALITY_CYCLE)],
            "",
        )
        return row, domain, english

    def team_row(self, account_id: int, owner_id: int) -> tuple | None:
        r = self.rng_team.random
        if r() >= TEAM_MEMBER_SHARE:
            return None
        role = self.team_role(r)
        team_id = self.team_of[owner_id]
        if role == AccountTeamRole.EXECUTIVE_SPONSOR and team_id in self.manager_of_team:
            user_id = self.manager_of_team[team_id]
        else:
            mates = self.teammates[team_id]
            user_id = _choice(r, mates)
            if user_id == owner_id:
                return None
        return (self.now, self.now, 1, account_id, user_id, role)

    # contacts ------------------------------------------------------------------------------
    def contact_rows(self, account_id: int, english: bool, ids: list[int], codes: list[str], domain: str):
        rng = self.rng_contacts
        r = rng.random
        rows = []
        top = ids[0]
        for n, (pk, code) in enumerate(zip(ids, codes, strict=True)):
            surname, surname_py, _w = self.surname(r)
            if english and r() < 0.4:
                first = _choice(r, ENGLISH_FIRST_NAMES)
                name, handle = f"{first} {surname_py}", f"{first.lower()}.{surname_py.lower()}"
            else:
                given = [_choice(r, GIVEN_CHARS) for _ in range(1 if r() < 0.35 else 2)]
                name = surname + "".join(g[0] for g in given)
                handle = surname_py.lower() + "".join(g[1] for g in given)
            if n == 0:
                title, department = _choice(r, TOP_TITLES)
            else:
                title, department = self.staff_title(r), _choice(r, DEPARTMENTS)
                title = f"{department.split(' ')[0].rstrip('部中心')}{title}" if r() < 0.3 else title
            rows.append(
                (
                    pk,
                    self.now,
                    self.now,
                    1,
                    account_id,
                    name,
                    code,
                    title[:100],
                    department,
                    None if n == 0 else top,
                    f"0{_between(r, 10, 999)}-{_between(r, 10_000_000, 100_000_000)}" if r() < 0.6 else "",
                    f"1{_choice(r, '3456789')}{_between(r, 0, 1_000_000_000):09d}" if r() < 0.9 else "",
                    f"{handle}@{domain}" if r() < 0.7 else "",
                    f"wx_{handle}{_between(r, 10, 9999)}" if r() < 0.3 else "",
                    _choice(r, HOBBIES) if r() < 0.2 else "",
                    "",
                    r() < 0.93,
                )
            )
        return rows

    # contact log -----------------------------------------------------------------------------
    def interaction_row(self, pk: int, account_id: int, owner_id: int) -> tuple:
        rng = self.rng_log
        r = rng.random
        kind = self.kind(r)
        if r() < 0.2:
            mates = self.teammates[self.team_of[owner_id]]
            owner_id = _choice(r, mates)
        days_ago = int(730 * r() ** 1.4)  # the last two years, denser recently
        occurred = self.today - datetime.timedelta(days=days_ago)
        content = _choice(r, CONTENT[kind]).format(t=_choice(r, TOPICS), r=_choice(r, REACTIONS))
        next_step, due, done = "", None, False
        if r() < 0.35:
            next_step = _choice(r, NEXT_STEPS[kind])
            due = occurred + datetime.timedelta(days=_between(r, 2, 31))
            done = due < self.today and r() < 0.85
        return (
            pk,
            self.now,
            self.now,
            1,
            account_id,
            None,
            kind,
            occurred,
            owner_id,
            content,
            next_step,
            due,
            done,
        )


def _accounts_for_interactions(rng: random.Random, statuses: list[str], count: int) -> list[int]:
    """Indexes into the chunk's accounts for `count` log entries, busier accounts drawn more often."""
    if not count or not statuses:
        return []
    cum = list(accumulate(STATUS_ACTIVITY.get(s, 1.0) for s in statuses))
    total = cum[-1]
    return [bisect_right(cum, rng.random() * total) for _ in range(count)]


@dataclass
class _Chunk:
    """One chunk's rows, built in memory before anything is written."""

    codes: list[str]
    accounts: list[tuple]
    team: list[tuple]
    contacts: list[tuple]
    log: list[tuple]
    people: list[tuple]
    their_people: dict[int, list[int]]


@dataclass
class _ChunkIds:
    start: int  # index of the chunk's first account in this run
    accounts: list[int]
    contacts: list[int]
    log: list[int]


def _build_chunk(gen: _Generator, ids: _ChunkIds, *, first_account_number: int, first_contact_number: int):
    k = gen.k
    n = len(ids.accounts)
    codes = [f"{ACCOUNT_CODE_PREFIX}{first_account_number + i:0{ACCOUNT_CODE_WIDTH}d}" for i in range(n)]
    made = [gen.account_row(pk, code) for pk, code in zip(ids.accounts, codes, strict=True)]
    account_rows = [row for row, _domain, _english in made]
    team_rows = [row for a in account_rows if (row := gen.team_row(a[A_ID], a[A_OWNER])) is not None]
    contact_rows = []
    for i, (a, domain, english) in enumerate(made):
        contact_codes = [
            f"{CONTACT_CODE_PREFIX}{first_contact_number + i * k + j:0{CONTACT_CODE_WIDTH}d}"
            for j in range(k)
        ]
        contact_rows += gen.contact_rows(
            a[A_ID], english, ids.contacts[i * k : (i + 1) * k], contact_codes, domain
        )
    r = gen.rng_log.random
    picks = _accounts_for_interactions(gen.rng_log, [a[A_STATUS] for a in account_rows], len(ids.log))
    log_rows, people_rows, their_people = [], [], {}
    for pk, i in zip(ids.log, picks, strict=True):
        a = account_rows[i]
        log_rows.append(gen.interaction_row(pk, a[A_ID], a[A_OWNER]))
        if k:
            draw = r()
            met = 0 if draw < 0.3 else (1 if draw < 0.85 else min(2, k))
            chosen = sorted({ids.contacts[i * k + _between(r, 0, k)] for _ in range(met)})
            their_people[pk] = chosen
            people_rows += [(pk, c) for c in chosen]
    return _Chunk(codes, account_rows, team_rows, contact_rows, log_rows, people_rows, their_people)


def generate(
    *,
    accounts: int,
    contacts_per_account: int = 3,
    interactions: int = 0,
    seed: int = 1,
    owners: int = 20,
    audit: bool = True,
    analyze: bool = True,
    today: datetime.date | None = None,
    using: str = "default",
    progress: bool = False,
    chunk_accounts: int = CHUNK_ACCOUNTS,
    skip_fk_checks: bool = False,
) -> GenerateResult:
    """Generate `accounts` accounts with `contacts_per_account` contacts each and `interactions`
    contact-log entries in all, owned by `owners` generated members. Returns counts and timing.

    Each chunk of `chunk_accounts` accounts (with its contacts and log) commits on its own; an
    interrupted run keeps whole chunks, and the next run continues the codes after them. On
    PostgreSQL the next chunk is built in a second thread while the server takes in the current one.

    `skip_fk_checks` (PostgreSQL, superuser, dedicated databases such as the bench's): the chunk
    transactions run with ``session_replication_role = replica``, so the foreign-key triggers do not
    re-check the ids the generator has just made consistent — about a quarter of the load time.
    """
    if accounts < 0 or contacts_per_account < 0 or interactions < 0:
        raise ValueError("counts must not be negative")
    if owners < 1:
        raise ValueError("at least one owner is needed")
    if interactions and not accounts:
        raise ValueError("interactions need accounts to belong to")
    today = today or timezone.localdate()
    result = GenerateResult()
    with transaction.atomic(using=using):
        industries = ensure_industries()
        people = ensure_people(owners=owners)
    result.users = {"members": len(people["members"]), "managers": len(people["managers"]) + 1}
    users_by_id = {u.pk: u for u in [*people["members"], *people["managers"], people["director"]]}
    writer = _Writer(using)
    if skip_fk_checks and not writer.postgres:
        raise ValueError("skip_fk_checks is for PostgreSQL only")
    gen = _Generator(
        seed=seed,
        contacts_per_account=contacts_per_account,
        industries=industries,
        people=people,
        today=today,
        now=timezone.now(),
    )
    next_account = _next_number(Account, ACCOUNT_CODE_PREFIX, using)
    next_contact = _next_number(Contact, CONTACT_CODE_PREFIX, using)
    if next_account + accounts - 1 >= 10**ACCOUNT_CODE_WIDTH:
        raise ValueError(f"account codes would overflow {ACCOUNT_CODE_PREFIX}{'9' * ACCOUNT_CODE_WIDTH}")
    k = contacts_per_account
    starts = list(range(0, accounts, chunk_accounts))

    def reserve(start: int) -> _ChunkIds:
        n = min(chunk_accounts, accounts - start)
        # The chunk's exact share of the contact log, so that the chunks add up to `interactions`.
        n_log = (interactions * (start + n)) // accounts - (interactions * start) // accounts
        return _ChunkIds(
            start,
            writer.reserve_ids(Account, n),
            writer.reserve_ids(Contact, n * k),
            writer.reserve_ids(Interaction, n_log),
        )

    def build(ids: _ChunkIds) -> _Chunk:
        return _build_chunk(
            gen,
            ids,
            first_account_number=next_account + ids.start,
            first_contact_number=next_contact + ids.start * k,
        )

    def write(chunk: _Chunk) -> None:
        if skip_fk_checks:
            writer.skip_fk_checks()
        writer.insert(Account, ACCOUNT_COLUMNS, chunk.accounts)
        writer.insert(AccountTeamMember, TEAM_COLUMNS, chunk.team)
        writer.insert(Contact, CONTACT_COLUMNS, chunk.contacts)
        writer.insert(Interaction, INTERACTION_COLUMNS, chunk.log)
        writer.insert(InteractionPeople, PEOPLE_COLUMNS, chunk.people)
        if audit:
            result.audit_entries += _audit_chunk(chunk, users_by_id=users_by_id)

    def count(chunk: _Chunk) -> None:
        result.accounts += len(chunk.accounts)
        result.contacts += len(chunk.contacts)
        result.interactions += len(chunk.log)
        result.team_members += len(chunk.team)
        result.interaction_people += len(chunk.people)
        result.first_account_code = result.first_account_code or chunk.codes[0]
        result.last_account_code = chunk.codes[-1]
        result.seconds = time.perf_counter() - started
        bar.update(len(chunk.accounts))
        bar.set_postfix_str(f"{result.rows_per_s:,.0f} rows/s", refresh=False)

    started = time.perf_counter()
    bar = _progress_bar(total=accounts, enabled=progress)
    try:
        if writer.postgres and len(starts) > 1:
            # Sequences are not transactional: ids can be reserved ahead, and the pure-Python build
            # of chunk i+1 overlaps the server's work on chunk i (two cores instead of one).
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kam-generate") as pool:
                pending = pool.submit(build, reserve(starts[0]))
                for position in range(len(starts)):
                    chunk = pending.result()
                    if position + 1 < len(starts):
                        pending = pool.submit(build, reserve(starts[position + 1]))
                    with transaction.atomic(using=using):
                        write(chunk)
                    count(chunk)
        else:
            for start in starts:
                with transaction.atomic(using=using):
                    chunk = build(reserve(start))  # SQLite: ids from MAX(id) under the write lock
                    write(chunk)
                count(chunk)
    finally:
        bar.close()
        writer.close()
    if analyze and accounts:
        _analyze(using)
    result.seconds = time.perf_counter() - started
    return result


def _audit_chunk(chunk: _Chunk, *, users_by_id: dict) -> int:
    """One ObjectChange per generated record, via audit_bulk with snapshots built without queries."""
    accounts = {}
    for row in chunk.accounts:
        account = Account(**dict(zip(ACCOUNT_COLUMNS, row, strict=True)))
        accounts[account.pk] = account
    members = []
    for row in chunk.team:
        member = AccountTeamMember(**dict(zip(TEAM_COLUMNS, row, strict=True)))
        member.account = accounts[member.account_id]
        member.user = users_by_id[member.user_id]
        members.append(member)
    contacts = [Contact(**dict(zip(CONTACT_COLUMNS, row, strict=True))) for row in chunk.contacts]
    logs = []
    for row in chunk.log:
        log = Interaction(**dict(zip(INTERACTION_COLUMNS, row, strict=True)))
        log.account = accounts[log.account_id]
        logs.append(log)
    written = 0
    for instances, afters in (
        (list(accounts.values()), [snapshot(a, m2m={}) for a in accounts.values()]),
        (members, [snapshot(m, m2m={}) for m in members]),
        (contacts, [snapshot(c, m2m={}) for c in contacts]),
        (
            logs,
            [
                snapshot(i, m2m={"our_people": [], "their_people": chunk.their_people.get(i.pk, [])})
                for i in logs
            ],
        ),
    ):
        if instances:
            written += audit_bulk(instances=instances, actor=None, action="create", afters=afters)
    return written


def _analyze(using: str) -> None:
    """Refresh the planner's statistics: a bulk load changes the tables' shape completely."""
    connection = connections[using]
    tables = [m._meta.db_table for m in (Account, AccountTeamMember, Contact, Interaction, InteractionPeople)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class _NoBar:
    def update(self, n):
        pass

    def set_postfix_str(self, s, refresh=True):
        pass

    def close(self):
        pass


def _progress_bar(*, total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="acct", unit_scale=True, file=sys.stderr, dynamic_ncols=True)
