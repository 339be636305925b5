"""A synthetic sales ledger on the existing accounts (`kam generate --transactions N`).

Sales follow the 20/80 rule of M1: each account gets a Pareto-distributed weight (shape 1.16, the shape
under which the top fifth holds four fifths), so a few accounts have thousands of orders and most have a
handful. Each account also has its own typical deal size and margin. N transactions over the three years
up to `today` (denser recently), 2 % of them returns; N / 3 invoices with their payments (most paid after
30–90 days, recent ones often still open); N / 50 pieces of feedback (praise, complaints, suggestions).
Deterministic for a seed. Written in bulk (COPY on PostgreSQL, executemany on SQLite) in chunks of
CHUNK rows, each its own transaction; the rollups are rebuilt once at the end. Numbers continue after
the highest GENT-/GENI-/GENF- number, so reruns add rows.

Like an import, the generator leaves no audit entry per ledger row (the rows are the record).
"""

import datetime
import itertools
import math
import random
import sys
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from kam.accounts.models import Account
from kam.core import bulk
from kam.tiering import rollups
from kam.tiering.choices import FeedbackKind
from kam.tiering.models import Feedback, Payment, Transaction

CHUNK = 50_000
YEARS = 3
PARETO_SHAPE = 1.16
PRODUCTS = [
    "ERP 企业资源计划", "MES 制造执行系统", "CRM 客户关系管理", "视频会议 Video conferencing",
    "数据中心 Data centre", "安防 Security", "网络设备 Network", "云服务 Cloud", "运维服务 Operations",
    "培训 Training",
]  # fmt: skip
FEEDBACK = {
    FeedbackKind.PRAISE: [
        "交付及时，服务专业。On-time delivery, professional service.", "工程师响应迅速。Fast engineers.",
    ],
    FeedbackKind.COMPLAINT: [
        "发货延迟两周。Delivery two weeks late.", "发票与合同金额不符。Invoice does not match the contract.",
    ],
    FeedbackKind.SUGGESTION: [
        "希望提供季度业务回顾。Would like a quarterly business review.",
        "建议增加在线培训。Add online training.",
    ],
}  # fmt: skip
FEEDBACK_WEIGHTS = {FeedbackKind.PRAISE: 50, FeedbackKind.COMPLAINT: 30, FeedbackKind.SUGGESTION: 20}

TRANSACTION_COLUMNS = [
    "account_id", "order_no", "ordered_on", "product", "quantity", "amount", "margin", "is_return", "version",
    "updated_at",
]  # fmt: skip
PAYMENT_COLUMNS = [
    "account_id",
    "invoice_no",
    "invoiced_on",
    "due_on",
    "paid_on",
    "amount",
    "version",
    "updated_at",
]
FEEDBACK_COLUMNS = ["account_id", "number", "kind", "received_on", "text", "version", "updated_at"]


@dataclass
class LedgerResult:
    transactions: int = 0
    payments: int = 0
    feedback: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.transactions + self.payments + self.feedback


def _next_number(model, column: str, prefix: str) -> int:
    last = model.objects.filter(**{f"{column}__startswith": prefix}).aggregate(n=Max(column))["n"]
    return int(last.removeprefix(prefix)) + 1 if last else 1


@dataclass(frozen=True)
class _Profile:
    """What an account buys: its deal size (median, cents) and its margin."""

    deal: float
    margin: float


class _Ledger:
    def __init__(self, *, seed: int, today: datetime.date, accounts: list[int]):
        self.rng = random.Random(seed * 104_729)
        self.saved = connection.ops.adapt_datetimefield_value(timezone.now())
        self.today = today
        self.accounts = accounts
        weights = [self.rng.paretovariate(PARETO_SHAPE) for _ in accounts]
        self.cumulative = list(itertools.accumulate(weights))
        self.profiles = {
            pk: _Profile(
                deal=math.exp(self.rng.gauss(math.log(2_000_000), 1.0)), margin=self.rng.uniform(0.08, 0.4)
            )
            for pk in accounts
        }
        self.days = YEARS * 365

    def account(self) -> int:
        return self.rng.choices(self.accounts, cum_weights=self.cumulative)[0]

    def day(self) -> datetime.date:
        """A day in the last YEARS years, twice as likely today as at the start (a growing business)."""
        back = int(self.days * (1 - math.sqrt(self.rng.random())))
        return self.today - datetime.timedelta(days=back)

    def transaction(self, number: int) -> tuple:
        rng = self.rng
        account = self.account()
        profile = self.profiles[account]
        amount = max(100, int(rng.lognormvariate(math.log(profile.deal), 0.6)))
        margin = int(amount * min(0.9, max(-0.1, rng.gauss(profile.margin, 0.05))))
        is_return = rng.random() < 0.02
        if is_return:
            amount, margin = amount // rng.randint(2, 5), margin // 3
        return (
            account, f"GENT-{number:09d}", self.day(), rng.choice(PRODUCTS), rng.randint(1, 100), amount,
            margin if rng.random() < 0.95 else None, is_return, 1, self.saved,
        )  # fmt: skip

    def payment(self, number: int) -> tuple:
        rng = self.rng
        account = self.account()
        invoiced = self.day()
        terms = rng.choice((30, 60, 90))
        paid = invoiced + datetime.timedelta(days=max(0, int(rng.gauss(terms, 20))))
        if paid > self.today or rng.random() < 0.03:
            paid = None
        amount = max(100, int(rng.lognormvariate(math.log(self.profiles[account].deal * 3), 0.6)))
        return (
            account, f"GENI-{number:09d}", invoiced, invoiced + datetime.timedelta(days=terms), paid, amount,
            1, self.saved,
        )  # fmt: skip

    def feedback(self, number: int) -> tuple:
        rng = self.rng
        kind = rng.choices(list(FEEDBACK_WEIGHTS), list(FEEDBACK_WEIGHTS.values()))[0]
        return (
            self.account(),
            f"GENF-{number:09d}",
            str(kind),
            self.day(),
            rng.choice(FEEDBACK[kind]),
            1,
            self.saved,
        )


def generate_ledger(
    *, transactions: int, seed: int = 1, today: datetime.date | None = None, progress: bool = False
) -> LedgerResult:
    """Add `transactions` transactions, a third as many payments and a fiftieth as much feedback.

    `progress` shows a progress bar on stderr (the CLI).
    """
    if transactions < 0:
        raise ValueError("counts must not be negative")
    result = LedgerResult()
    if not transactions:
        return result
    accounts = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    if not accounts:
        raise ValueError("Generate accounts before transactions.")
    start = timezone.now()
    ledger = _Ledger(seed=seed, today=today or timezone.localdate(), accounts=accounts)
    plan = [
        (Transaction, TRANSACTION_COLUMNS, ledger.transaction, transactions,
         _next_number(Transaction, "order_no", "GENT-")),
        (Payment, PAYMENT_COLUMNS, ledger.payment, transactions // 3,
         _next_number(Payment, "invoice_no", "GENI-")),
        (Feedback, FEEDBACK_COLUMNS, ledger.feedback, transactions // 50,
         _next_number(Feedback, "number", "GENF-")),
    ]  # fmt: skip
    bar = tqdm(total=sum(step[3] for step in plan), unit=" rows", file=sys.stderr, disable=not progress)
    for model, columns, make, count, first in plan:
        for offset in range(0, count, CHUNK):
            rows = [make(number) for number in range(first + offset, first + min(offset + CHUNK, count))]
            with transaction.atomic():
                bulk.insert_rows(model, columns, rows)
            bar.update(len(rows))
    bar.close()
    result.transactions, result.payments, result.feedback = plan[0][3], plan[1][3], plan[2][3]
    with transaction.atomic():
        rollups.rebuild()
    _analyze()
    result.seconds = (timezone.now() - start).total_seconds()
    return result


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load."""
    models = [Transaction, Payment, Feedback, *(rollup.model for rollup in rollups.ROLLUPS.values())]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}", [])
