"""Concurrent writers on PostgreSQL: creates, edits, moves and account-owner changes on one account at the
same time leave the summary equal to a fresh aggregation (no lost increment, no deal under a stale owner)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from kam.accounts import services as account_services
from kam.accounts.tests.factories import AccountFactory, UserFactory
from kam.pipeline import services, summary
from kam.pipeline.defaults import create_default_process
from kam.pipeline.models import ForecastSummary, Opportunity, SalesAid, SalesProcess, Stage, StageCriterion

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time"),
]


def _run_together(jobs) -> list[BaseException]:
    """Start every job at the same moment, each on its own connection; return what they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_writes_keep_the_summary_exact():
    if not SalesProcess.objects.exists():  # a transactional test starts from an empty database
        create_default_process(SalesProcess=SalesProcess, Stage=Stage, StageCriterion=StageCriterion,
                               SalesAid=SalesAid)  # fmt: skip
    admin = UserFactory(username="admin", role="admin")
    first, second = UserFactory(username="first"), UserFactory(username="second")
    account = AccountFactory(name="Shared", owner=first)
    stage_c = SalesProcess.objects.get(is_default=True).stages.get(code="C")
    existing = [
        services.opportunity_create(
            actor=admin,
            data={"account": account, "name": f"Old {n}", "amount": Decimal("1000"), "owner": first},
        )
        for n in range(4)
    ]

    def creates(tag):
        def job():
            for n in range(5):
                services.opportunity_create(  # numbered here: next_number() is not made for races
                    actor=admin,
                    data={
                        "account": account,
                        "number": f"{tag}-{n}",
                        "name": tag,
                        "amount": Decimal("10.01"),
                    },
                )

        return job

    def owner_changes():
        from kam.accounts.models import Account

        for n in range(6):
            current = Account.objects.get(pk=account.pk)
            account_services.account_update(
                account=current, actor=admin, data={"owner": second if n % 2 == 0 else first}
            )

    def edits():
        for deal in existing:
            fresh = Opportunity.objects.get(pk=deal.pk)
            services.opportunity_update(opportunity=fresh, actor=admin, data={"amount": Decimal("2500.50")})
            services.opportunity_move(opportunity=fresh, to_stage=stage_c, actor=admin, reason="race")

    errors = _run_together([creates("A"), creates("B"), creates("C"), owner_changes, edits])
    assert errors == []
    assert summary.differences() == []
    assert sum(ForecastSummary.objects.values_list("count", flat=True)) == 19
    assert set(ForecastSummary.objects.values_list("account_owner__username", flat=True)) == {"first"}
