"""SPIN part of the demo: the library's standard scripts (if a flushed database has none) and, on HDJX's
project 0203, a SPIN plan for 王桑 (finance: "payment terms and total cost") built on M4.6's fuel example —
9 L per 100 km, 5,000 km a month, 2 L saved per 100 km at 5 yuan per L: 500 yuan a month, 6,000 a year,
60,000 over ten years. Written by the system. Idempotent."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kam.buyingcenter import services
from kam.buyingcenter.models import SpinPlan, SpinQuestion, Stakeholder
from kam.buyingcenter.spin_library import STANDARD_QUESTIONS

PLAN = {
    "need": "用车成本太高：油耗大 The running cost is too high: the vehicles burn too much fuel",
    "need_stage": 4,
    "edge": "我们的车型百公里油耗 7 升，同级最低 Our model uses 7 L per 100 km, the lowest in its class",
    "feature": "节能发动机，百公里油耗 7 升 A fuel-efficient engine: 7 L per 100 km",
    "advantage": "比一般车每百公里省 2 升 2 L per 100 km less than a typical car",
    "benefit": "每月省 500 元，十年省 6 万元：省油就是省钱 500 yuan a month, 60,000 over ten years: "
    "saving fuel is saving money",
    "value_volume": Decimal("5000"),
    "value_volume_unit": "km",
    "value_per": Decimal("100"),
    "value_baseline": Decimal("9"),
    "value_improvement": Decimal("2"),
    "value_quantity_unit": "L",
    "value_unit_price": Decimal("5"),
    "value_currency": "CNY",
    "value_horizon": 10,
}

#: (library question in Chinese, answer) in the order asked
STEPS = [
    (
        "你使用的情况，感觉怎么样？",
        "一般车油耗 9 升/百公里，每月大约跑 5000 公里 9 L per 100 km, about 5,000 km a month",
    ),
    ("你感觉什么方面改善一下就更好呢？", "油费太高 The fuel bill is too high"),
    (
        "因为这个问题，对你又会造成什么影响呢？",
        "每月油费 2,250 元，预算吃紧 2,250 yuan a month on fuel; the budget is tight",
    ),
    ("一年时间能够省油，对你有什么好处？", "一年能省下一大笔钱 It would save a lot of money in a year"),
]


@transaction.atomic
def load_spin_demo() -> int:
    """Returns the number of SPIN plans added (0 if the demo plan is there)."""
    if not SpinQuestion.objects.exists():
        for kind, text, text_en, source in STANDARD_QUESTIONS:
            services.spin_question_create(
                actor=None, data={"kind": kind, "text": text, "text_en": text_en, "source": source}
            )
    stakeholder = (
        Stakeholder.objects.select_related("opportunity__account", "contact")
        .filter(opportunity__number="0203", contact__name="王桑")
        .first()
    )
    if stakeholder is None or SpinPlan.objects.filter(stakeholder=stakeholder).exists():
        return 0
    plan = services.spin_plan_create(actor=None, stakeholder=stakeholder, data=PLAN)
    library = {q.text: q for q in SpinQuestion.objects.filter(text__in=[text for text, _a in STEPS])}
    for text, answer in STEPS:
        services.spin_step_add(
            actor=None, plan=plan, question=library[text], answer=answer, answered_on=timezone.localdate()
        )
    return 1
