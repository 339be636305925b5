"""The demo company's sales ledger: two years of orders, invoices and feedback for its accounts.

The big accounts follow the 20/80 rule of M1: SPD Bank (110) and Shanghai Tobacco (STIP) buy every month,
the M3.8 territory's customers now and then. Written like the other generators — in bulk, one audit entry
per record by the system — and the rollups of the cells it fills are refreshed. Idempotent: nothing is
added once the DEMO- orders exist.
"""

import datetime
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kam.accounts.models import Account
from kam.audit.models import AuditAction
from kam.audit.services import audit_bulk
from kam.core import bulk
from kam.tiering import rollups
from kam.tiering.models import Feedback, Payment, Transaction
from kam.tiering.services import feedback_number

MONTHS = 24
#: account code → (orders a month on average, typical order in yuan)
BIG = {"110": (3.0, 180_000), "STIP": (2.0, 90_000), "HDJX": (0.8, 60_000)}
SMALL = (0.3, 20_000)
PRODUCTS = [
    "呼叫中心线路 Call-centre lines",
    "视频会议 Video conferencing",
    "网络设备 Network",
    "运维服务 Operations",
]
FEEDBACK = {
    "110": [
        (
            "praise",
            "切换方案专业，回访中心很满意。The switch-over plan was professional; the call-back centre is pleased.",
        ),
        ("complaint", "回访中心线路质量两次不稳定。Line quality of the call-back centre was unstable twice."),
        ("suggestion", "希望每季度做一次线路可靠性报告。Would like a quarterly line-reliability report."),
    ],
    "STIP": [
        ("praise", "工程师响应迅速。Engineers responded fast."),
        ("complaint", "发票与合同金额不符。An invoice did not match the contract."),
    ],
}


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


@transaction.atomic
def load_tiering_demo(*, today: datetime.date | None = None) -> int:
    """Add the demo ledger once; returns how many ledger rows were added."""
    if Transaction.objects.filter(order_no__startswith="DEMO-").exists():
        return 0
    accounts = list(Account.objects.filter(code__isnull=False).order_by("code").values_list("code", "pk"))
    today = today or timezone.localdate()
    rng = random.Random(2026)
    orders, invoices, feedback = [], [], []
    number = 0
    for code, account_id in accounts:
        rate, size = BIG.get(code, SMALL)
        for month in range(MONTHS):
            for _ in range(sum(rng.random() < rate / 3 for _ in range(3 * math.ceil(rate)))):
                number += 1
                day = today - datetime.timedelta(days=30 * month + rng.randint(0, 29))
                amount = rng.lognormvariate(math.log(size), 0.4)
                returned = rng.random() < 0.03
                margin = amount * rng.uniform(0.2, 0.45)
                orders.append(
                    Transaction(
                        account_id=account_id, order_no=f"DEMO-{number:05d}", ordered_on=day,
                        product=rng.choice(PRODUCTS), quantity=Decimal(rng.randint(1, 20)),
                        amount=_money(amount), margin=_money(margin), is_return=returned,
                    )
                )  # fmt: skip
                if returned:
                    continue
                paid = day + datetime.timedelta(days=rng.randint(20, 110))
                invoices.append(
                    Payment(
                        account_id=account_id, invoice_no=f"DEMO-I{number:05d}", invoiced_on=day,
                        due_on=day + datetime.timedelta(days=60), paid_on=paid if paid <= today else None,
                        amount=_money(amount),
                    )
                )  # fmt: skip
        for index, (kind, text) in enumerate(FEEDBACK.get(code, [])):
            received = today - datetime.timedelta(days=40 + 75 * index)
            feedback.append(
                Feedback(
                    account_id=account_id, number=feedback_number(received, kind, text), kind=kind,
                    received_on=received, text=text,
                )
            )  # fmt: skip
    for kind, model, records in (
        ("transactions", Transaction, orders),
        ("payments", Payment, invoices),
        ("feedback", Feedback, feedback),
    ):
        for record in records:
            record.full_clean(exclude=["account"], validate_constraints=False)
        bulk.reserve_ids(model, records)
        bulk.insert(model, records)
        audit_bulk(instances=records, actor=None, action=AuditAction.CREATE)
        rollups.refresh(kind, {rollups.cell_of(kind, record) for record in records})
    return len(orders) + len(invoices) + len(feedback)


def load_tiering_run_demo(*, today: datetime.date | None = None) -> int:
    """The method's default scorecard and one run by the demo admin, so that the Pareto, pyramid and
    scorecard pages show data. Idempotent: nothing happens once a run has finished."""
    from kam.tiering.models import RunStatus, TieringRun
    from kam.tiering.services import tiering_recompute
    from kam.users.models import User

    if TieringRun.objects.filter(status=RunStatus.DONE).exists():
        return 0
    admin = User.objects.filter(username="admin").first()
    tiering_recompute(actor=admin, as_of=today)
    return 1
