"""An account import that changes owners keeps figures kept per owner exact (the forecast summary)."""

from decimal import Decimal

from kam.imports.models import ImportStatus
from kam.imports.services import import_file
from kam.imports.tests.utils import csv_bytes
from kam.pipeline import services as pipeline
from kam.pipeline import summary
from kam.pipeline.models import ForecastSummary


def _import(actor, rows):
    return import_file(kind="accounts", actor=actor, data=csv_bytes(rows), file_name="accounts.csv")


def test_an_account_import_moves_the_accounts_deals_to_the_new_owner_in_the_summary(world):
    pipeline.opportunity_create(
        actor=world.owner, data={"account": world.account, "name": "Call centre", "amount": Decimal("1200")}
    )
    assert set(ForecastSummary.objects.values_list("account_owner_id", flat=True)) == {world.owner.pk}

    job = _import(world.admin, [["code", "name", "owner"], ["110", "SPD Bank", "east_manager"]])

    assert (job.status, job.updated_count) == (ImportStatus.DONE, 1)
    world.account.refresh_from_db()
    assert world.account.owner == world.east_manager
    assert set(ForecastSummary.objects.values_list("account_owner_id", flat=True)) == {world.east_manager.pk}
    assert summary.differences() == []


def test_an_import_that_keeps_the_owner_leaves_the_summary_alone(world):
    pipeline.opportunity_create(
        actor=world.owner, data={"account": world.account, "name": "Call centre", "amount": Decimal("1200")}
    )
    before = list(
        ForecastSummary.objects.values_list("account_owner_id", "owner_id", "count", "amount_cents")
    )

    job = _import(world.admin, [["code", "name", "region"], ["110", "SPD Bank", "浦东"]])

    assert (job.status, job.updated_count) == (ImportStatus.DONE, 1)
    after = list(ForecastSummary.objects.values_list("account_owner_id", "owner_id", "count", "amount_cents"))
    assert after == before
    assert summary.differences() == []
