"""Tiering runs end to end: indicators from the rollups, results, tiers written back, changes, audit,
scope."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from kam.accounts.models import Account
from kam.accounts.tests.factories import AccountFactory
from kam.audit.models import ObjectChange
from kam.tiering import population, recompute, scorecard, selectors, services
from kam.tiering.models import RunStatus, TierChange, TieringModel, TieringRun, TierResult
from kam.tiering.tests.factories import FeedbackFactory, PaymentFactory, TransactionFactory

AS_OF = datetime.date(2025, 6, 30)


def _sale(account, day, amount, margin=None, is_return=False):
    margin = None if margin is None else Decimal(margin)
    TransactionFactory(
        account=account, ordered_on=day, amount=Decimal(amount), margin=margin, is_return=is_return
    )


@pytest.fixture
def ledger(world):
    """SPD Bank buys a lot at a good margin; West Corp a little; a third account nothing."""
    spd, west = world.account, world.other_account
    for month in range(1, 7):
        _sale(spd, datetime.date(2025, month, 3), "10000.00", "4000.00")
        _sale(spd, datetime.date(2025, month, 20), "6000.00", "1500.00")
    _sale(spd, datetime.date(2024, 3, 1), "5000.00", "1000.00")  # before the period: tenure and growth
    _sale(spd, datetime.date(2025, 5, 9), "1000.00", "300.00", is_return=True)
    _sale(west, datetime.date(2025, 2, 14), "2500.00", "100.00")
    PaymentFactory(
        account=spd,
        invoiced_on=datetime.date(2025, 1, 5),
        paid_on=datetime.date(2025, 2, 4),
        amount=Decimal("10000"),
    )
    PaymentFactory(account=west, invoiced_on=datetime.date(2025, 3, 1), amount=Decimal("2500"))
    FeedbackFactory(account=spd, kind="praise", received_on=datetime.date(2025, 4, 1))
    FeedbackFactory(account=west, kind="complaint", received_on=datetime.date(2025, 4, 1))
    AccountFactory(name="Prospect Ltd", owner=world.owner)
    # two accounts score above 0: the top 34 % (one) Platinum, the top 67 % (both) at least Gold
    config = {**copy.deepcopy(scorecard.DEFAULT_CONFIG), "tier_cutoffs": [34, 67, 100]}
    services.tiering_model_create(actor=world.admin, data={"name": "Test model", "config": config})
    return world


def _by_account(measures, ids, account):
    row = list(ids).index(account.pk)
    return {key: (int(values[row]) if present[row] else None) for key, (values, present) in measures.items()}


def test_bulk_indicators_equal_the_per_account_indicators(ledger):
    period, previous = recompute.periods(AS_OF, 12)
    loaded = recompute.load_population(period, previous)
    measures = population.indicators(loaded.columns, as_of_day=(AS_OF - recompute.EPOCH).days)
    for account in (ledger.account, ledger.other_account):
        bulk = _by_account(measures, loaded.ids, account)
        one = selectors.account_indicators(user=ledger.admin, account=account, period=period, today=AS_OF)
        t, p, f = one.transactions, one.payments, one.feedback

        def cents(value):
            return None if value is None else int(value * 100)

        def tenths(value):
            return None if value is None else int(value * 10)

        assert bulk["revenue"] == cents(t.revenue)
        assert bulk["profit"] == cents(t.profit)
        assert bulk["gross_margin_pct"] == tenths(t.gross_margin_pct)
        assert bulk["transactions"] == t.transactions
        assert bulk["average_deal"] == cents(t.average_deal)
        assert bulk["largest_deal"] == cents(t.largest_deal)
        assert bulk["tenure_days"] == t.tenure_days
        assert bulk["purchase_cycle_days"] == tenths(t.purchase_cycle_days)
        assert bulk["collection_days"] == tenths(p.average_collection_days)
        assert bulk["debt_ratio_pct"] == tenths(p.debt_ratio_pct)
        assert bulk["praise_pct"] == tenths(f.praise_pct)
        assert bulk["complaint_pct"] == tenths(f.complaint_pct)
        assert bulk["expected_sales"] == cents(one.expected_sales)
    spd = _by_account(measures, loaded.ids, ledger.account)
    # by hand: 6 × 16,000 sales, 1,000 returned; the prior 12 months had 5,000
    assert spd["revenue"] == 9_500_000 and spd["returns_pct"] == 10  # 1.0 %
    assert spd["revenue_growth_pct"] == 18_000  # (95,000 − 5,000) ÷ 5,000 = 1,800.0 %, in tenths
    assert _by_account(measures, loaded.ids, ledger.other_account)["debt_ratio_pct"] == 1000


def test_a_run_scores_tiers_and_records_every_change(ledger):
    run = services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    assert run.status == RunStatus.DONE and run.accounts == 3
    assert (run.period_since, run.period_until) == (datetime.date(2024, 7, 1), datetime.date(2025, 6, 1))
    assert run.model.name == "Test model" and run.model_version == 1 and run.created_by == ledger.admin
    tiers = dict(Account.objects.values_list("name", "tier"))
    # 2 scored accounts: SPD Platinum (100 × 0 above < 34 × 2), West Gold (100 × 1 above < 67 × 2)
    assert tiers == {"SPD Bank": "platinum", "West Corp": "gold", "Prospect Ltd": ""}
    results = {r.account.name: r for r in TierResult.objects.filter(run=run).select_related("account")}
    assert results["Prospect Ltd"].score == 0 and results["Prospect Ltd"].layer == -1
    assert results["SPD Bank"].layer == 0 and results["SPD Bank"].revenue == 9_500_000
    changes = {c.account.name: c for c in TierChange.objects.filter(run=run).select_related("account")}
    assert set(changes) == {"SPD Bank", "West Corp"}
    assert (
        changes["SPD Bank"].is_up
        and changes["SPD Bank"].before == ""
        and changes["SPD Bank"].score_before is None
    )
    assert changes["SPD Bank"].reasons[0][1] > 0
    audited = ObjectChange.objects.filter(content_type__model="account", action="update")
    assert sorted((e.account_id, e.before, e.after) for e in audited) == sorted(
        [
            (ledger.account.pk, {"tier": ""}, {"tier": "platinum"}),
            (ledger.other_account.pk, {"tier": ""}, {"tier": "gold"}),
        ]
    )
    assert run.summary["changes"] == {"up": 2, "down": 0, "total": 2}
    assert run.summary["tiers"] == {"platinum": 1, "gold": 1, "silver": 0, "none": 1}
    # the same data again: nothing changes, nothing more is audited
    again = services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    assert again.summary["changes"]["total"] == 0 and TierChange.objects.filter(run=again).count() == 0
    assert ObjectChange.objects.filter(content_type__model="account", action="update").count() == 2


def _partitions() -> dict[str, int]:
    """TierResult's partitions on PostgreSQL and the rows each holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'tiering_tierresult'::regclass"
        )
        names = [name for (name,) in cursor.fetchall()]
        found = {}
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {name}")
            found[name] = cursor.fetchone()[0]
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_each_run_writes_its_results_into_a_partition_of_its_own(ledger):
    first = services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    # a table left under the next run's name (a test database whose sequences restarted) is replaced
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE tiering_tierresult_r{first.pk + 1} (stale int)")
    second = services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    assert second.pk == first.pk + 1
    assert _partitions() == {
        f"tiering_tierresult_r{first.pk}": 3,
        f"tiering_tierresult_r{second.pk}": 3,
    }
    scores = dict(TierResult.objects.filter(run=second).values_list("account__name", "score"))
    assert scores == dict(TierResult.objects.filter(run=first).values_list("account__name", "score"))
    assert scores["Prospect Ltd"] == 0 and TierResult.objects.count() == 6


def test_a_tier_that_drops_gets_its_reasons_against_the_previous_run(client, ledger):
    services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    model = TieringModel.objects.get(is_active=True)
    config = {**model.config, "tier_rule": "score", "tier_cutoffs": [95, 90, 85]}
    services.tiering_model_update(model=model, actor=ledger.admin, data={"config": config})
    run = services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    assert run.model_version == 2
    spd = TierChange.objects.get(run=run, account=ledger.account)
    assert (spd.before, spd.is_up) == ("platinum", False)
    assert spd.score_before == spd.score_after and spd.reasons == []  # the data did not move: the rule did
    client.force_login(ledger.admin)
    page = client.get(reverse("tiering:run", args=[run.pk])).content.decode()
    assert (
        '<span data-testid="rank-moved">Its score did not move: other accounts\' scores or the tier rule '
        "moved the line past it.</span>"
    ) in page


def test_only_admins_recompute_and_a_refusal_changes_nothing(ledger):
    for who in ("owner", "manager", "auditor"):
        with pytest.raises(PermissionDenied):
            services.tiering_run_create(actor=getattr(ledger, who), as_of=AS_OF)
    assert not TieringRun.objects.exists() and not Account.objects.exclude(tier="").exists()


def test_a_failed_run_changes_nothing(ledger, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(recompute, "write_changes", broken)
    with pytest.raises(RuntimeError):
        services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    run = TieringRun.objects.get()
    assert run.status == RunStatus.FAILED and "disk full" in run.error
    assert not TierResult.objects.exists() and not Account.objects.exclude(tier="").exists()


def test_one_run_at_a_time(ledger):
    first = services.tiering_run_create(actor=ledger.admin, as_of=AS_OF)
    assert services.tiering_run_create(actor=ledger.admin, as_of=AS_OF) == first
    assert TieringRun.objects.count() == 1


def test_a_bad_model_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as refused:
        services.tiering_model_create(actor=world.admin, data={"name": "Bad", "config": {"period_months": 0}})
    assert "config" in refused.value.message_dict
    assert not TieringModel.objects.exists()


def test_members_see_the_results_and_aggregates_of_their_accounts_only(ledger):
    run = services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    owner = ledger.owner  # owns SPD Bank and Prospect Ltd
    assert set(selectors.result_list(user=owner, run=run).values_list("account__name", flat=True)) == {
        "SPD Bank", "Prospect Ltd",
    }  # fmt: skip
    assert selectors.tier_counts(user=owner, run=run) == {"platinum": 1, "gold": 0, "silver": 0, "none": 1}
    assert selectors.pareto_for(user=owner, run=run, measure="revenue")["total"] == 9_500_000
    assert selectors.pareto_for(user=ledger.admin, run=run, measure="revenue")["total"] == 9_750_000
    assert [(row.layer, row.accounts) for row in selectors.pyramid_for(user=owner, run=run)] == [
        ("vip", 1), ("large", 0), ("medium", 0), ("small", 0),
    ]  # fmt: skip
    assert selectors.account_scorecard(user=ledger.outsider, account=ledger.account) is None
    card = selectors.account_scorecard(user=owner, account=ledger.account)
    assert card.tier == "platinum" and sum(row.contribution for row in card.contributions) == pytest.approx(
        card.result.score / 10, abs=0.05
    )
    assert selectors.change_list(user=ledger.outsider, run=run).count() == 1  # West Corp's own


def test_the_command_prints_the_run(ledger, capsys):
    call_command("tiering", "recompute", "--as-of", "2025-06-30", "--user", "admin")
    out = capsys.readouterr().out
    assert '"tiers": {"platinum": 1, "gold": 1, "silver": 0, "none": 1}' in out
    assert TieringRun.objects.get().created_by == ledger.admin


def test_the_demo_leaves_a_run_every_demo_user_can_read(db):
    from kam.accounts.demo import load_demo
    from kam.pipeline.demo import load_pipeline_demo
    from kam.tiering.demo import load_tiering_demo, load_tiering_run_demo
    from kam.users.models import User

    load_demo()
    load_pipeline_demo()
    load_tiering_demo(today=AS_OF)
    assert load_tiering_run_demo(today=AS_OF) == 1
    assert load_tiering_run_demo(today=AS_OF) == 0
    run = TieringRun.objects.get()
    assert run.status == RunStatus.DONE and run.created_by.username == "admin"
    assert Account.objects.get(code="110").tier == "platinum"
    for username in ("admin", "director", "linshan", "zhangwei", "wangfang", "auditor"):
        user = User.objects.get(username=username)
        assert selectors.result_list(user=user, run=run).exists(), username


def test_expected_sales_in_the_reporting_currency_bulk_and_per_account(client, ledger):
    """Open deals in USD count at their rate in both the run (integers, NumPy) and the account panel
    (Decimals); HKD without a rate is left out of both and reported."""
    from kam.accounts import services as account_services
    from kam.pipeline import services as pipeline_services

    account_services.exchange_rate_set(actor=ledger.admin, currency="USD", rate=Decimal("7.123457"))
    for amount, currency in [("1000000", "CNY"), ("100000.01", "USD"), ("333.33", "USD"), ("50000", "HKD")]:
        pipeline_services.opportunity_create(
            actor=ledger.owner,
            data={
                "account": ledger.account,
                "name": currency,
                "amount": Decimal(amount),
                "currency": currency,
            },
        )
    period, previous = recompute.periods(AS_OF, 12)
    loaded = recompute.load_population(period, previous)
    assert loaded.unconverted == ["HKD"]
    measures = population.indicators(loaded.columns, as_of_day=(AS_OF - recompute.EPOCH).days)
    one = selectors.account_indicators(user=ledger.admin, account=ledger.account, period=period, today=AS_OF)
    # stage G (10 %): CNY 1,000,000 → 100,000; USD (100,000.01 + 333.33) × 10 % × 7.123457 = 71,472.02
    # (71,472.0233…, rounded once); HKD left out
    assert one.expected_sales == Decimal("171472.02")
    assert (one.open_opportunities, one.unconverted) == (4, ("HKD",))
    spd = _by_account(measures, loaded.ids, ledger.account)
    assert (spd["expected_sales"], spd["open_opportunities"]) == (17_147_202, 4)
    run = services.tiering_recompute(actor=ledger.admin, as_of=AS_OF)
    assert run.summary["unconverted_currencies"] == ["HKD"]
    client.force_login(ledger.admin)
    page = client.get(reverse("tiering:run", args=[run.pk])).content.decode()
    assert (
        "Open opportunities in HKD had no exchange rate: their amounts were left out of expected sales."
        in page
    )
    account_services.exchange_rate_set(actor=ledger.admin, currency="HKD", rate=Decimal("0.92"))
    loaded = recompute.load_population(period, previous)
    measures = population.indicators(loaded.columns, as_of_day=(AS_OF - recompute.EPOCH).days)
    assert _by_account(measures, loaded.ids, ledger.account)["expected_sales"] == 17_147_202 + 460_000
    assert loaded.unconverted == []
