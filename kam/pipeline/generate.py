"""Synthetic opportunities with realistic stage histories (`kam generate --opportunities N`).

Each opportunity lives on an existing account and its owner, opened some time in the last two years,
and walks the default process stage by stage: about 30 % are still open (mostly in the early stages),
25 % were won (they passed every stage), 35 % lost and 10 % abandoned at the stage they reached. Every
stage change is a StageTransition, so the funnel, the median days per stage and the calibrated
probabilities have history to work on. Deterministic for a seed; written in bulk (kam.core.bulk), after
which the forecast summary is rebuilt and the tables analysed.
"""

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kam.accounts.models import Account
from kam.audit.models import AuditAction
from kam.audit.services import audit_bulk
from kam.core import bulk
from kam.pipeline import summary
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import ForecastSummary, Opportunity, SalesProcess, StageTransition

OUTCOMES = [
    (OpportunityStatus.OPEN, 30),
    (OpportunityStatus.WON, 25),
    (OpportunityStatus.LOST, 35),
    (OpportunityStatus.ABANDONED, 10),
]
#: How far open deals have got: most are early in the funnel (G … A).
OPEN_REACH = [30, 22, 16, 12, 9, 7, 4]
PRODUCTS = [
    "ERP",
    "MES",
    "CRM",
    "视频会议 Video conferencing",
    "数据中心 Data centre",
    "安防 Security",
    "网络 Network",
    "云服务 Cloud",
]
COMPETITORS = ["", "", "中国电信", "华为", "外资品牌A", "国内品牌B"]
CHUNK = 5000


def _next_number() -> int:
    last = Opportunity.objects.filter(number__startswith="GENP-").aggregate(n=Max("number"))["n"]
    return int(last.removeprefix("GENP-")) + 1 if last else 1


def generate_opportunities(
    *,
    count: int,
    seed: int = 1,
    today: datetime.date | None = None,
    audit: bool = True,
    analyze: bool = True,
    owner_id: int | None = None,
    status: str | None = None,
) -> int:
    """Add `count` opportunities (with their transitions) to existing accounts; returns how many.

    `owner_id` keeps them on that owner's accounts and `status` forces their outcome (the "my actions"
    bench gives one member thousands of open deals this way)."""
    if count <= 0:
        return 0
    process = SalesProcess.objects.filter(is_default=True).first()
    if process is None:
        raise ValueError("No default sales process: run the migrations first.")
    owned = Account.objects.all() if owner_id is None else Account.objects.filter(owner_id=owner_id)
    accounts = list(owned.values_list("pk", "owner_id"))
    if not accounts:
        raise ValueError("Generate accounts before opportunities.")
    stages = list(process.stages.order_by("order"))
    rng = random.Random(seed * 7919)
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    number = _next_number()
    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        opportunities, transitions = [], []
        for _ in range(size):
            account_id, owner_id = accounts[rng.randrange(len(accounts))]
            outcome = status or rng.choices([o for o, _w in OUTCOMES], [w for _o, w in OUTCOMES])[0]
            if outcome == OpportunityStatus.WON:
                reached = len(stages) - 1
            elif outcome == OpportunityStatus.OPEN:
                reached = rng.choices(range(len(OPEN_REACH)), OPEN_REACH)[0]
            else:
                reached = rng.randrange(len(stages) - 1)
            opened = today - datetime.timedelta(days=rng.randint(5, 720))
            moments = [datetime.datetime.combine(opened, datetime.time(9), tz)]
            for _stage in range(reached):
                moments.append(
                    moments[-1] + datetime.timedelta(days=rng.randint(2, 45), hours=rng.randint(0, 8))
                )
            now = timezone.now()
            moments = [min(moment, now) for moment in moments]
            closed = outcome != OpportunityStatus.OPEN
            opportunity = Opportunity(
                number=f"GENP-{number:07d}",
                account_id=account_id,
                owner_id=owner_id,
                process=process,
                stage=stages[reached],
                status=outcome,
                name=f"{rng.choice(PRODUCTS)} #{number}",
                amount=Decimal(rng.randint(5, 500) * 10000),
                stage_entered_at=moments[-1],
                # closed deals were expected around when they closed; open ones in the coming months
                expected_close=(moments[-1].date() + datetime.timedelta(days=rng.randint(-20, 20)))
                if closed
                else today + datetime.timedelta(days=rng.randint(10, 200)),
                created_at=moments[0],
                updated_at=moments[-1],
                competitors=rng.choice(COMPETITORS),
                product_lines=rng.choice(PRODUCTS),
                closed_on=moments[-1].date() if closed else None,
                close_reason="价格 Price"
                if outcome == OpportunityStatus.LOST
                else ("客户取消 Cancelled by the customer" if outcome == OpportunityStatus.ABANDONED else ""),
            )
            opportunity._history = moments  # used below, then dropped with the instance
            opportunities.append(opportunity)
            number += 1
        with transaction.atomic():
            bulk.reserve_ids(Opportunity, opportunities)
            bulk.insert(Opportunity, opportunities)
            for opportunity in opportunities:
                moments = opportunity._history
                for index, moment in enumerate(moments):
                    last = index == len(moments) - 1
                    transitions.append(
                        StageTransition(
                            opportunity_id=opportunity.pk,
                            from_stage=stages[index - 1] if index else None,
                            to_stage=stages[index],
                            moved_at=moment,
                            moved_by_id=opportunity.owner_id,
                            to_status=opportunity.status
                            if last and opportunity.status == OpportunityStatus.WON
                            else OpportunityStatus.OPEN,
                        )
                    )
                if opportunity.status in (OpportunityStatus.LOST, OpportunityStatus.ABANDONED):
                    transitions.append(
                        StageTransition(
                            opportunity_id=opportunity.pk,
                            from_stage=opportunity.stage,
                            to_stage=opportunity.stage,
                            moved_at=moments[-1],
                            moved_by_id=opportunity.owner_id,
                            to_status=opportunity.status,
                            reason=opportunity.close_reason,
                        )
                    )
            bulk.reserve_ids(StageTransition, transitions)
            bulk.insert(StageTransition, transitions)
            if audit:
                audit_bulk(instances=opportunities, actor=None, action=AuditAction.CREATE)
        made += size
    summary.rebuild()  # bulk inserts bypass forecast_changes(); one aggregation at the end is cheaper anyway
    if analyze:
        _analyze()
    return made


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load. SQLite without them drove the opportunity
    list from the accounts and sorted all 200,000 deals (290 ms instead of 1 ms)."""
    tables = [m._meta.db_table for m in (Opportunity, StageTransition, ForecastSummary)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
