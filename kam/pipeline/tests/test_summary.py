"""The forecast summary stays equal to a from-scratch aggregation after every kind of write, and the
forecast and the board read the same figures from it as from the opportunities, in every scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from kam.accounts import services as account_services
from kam.accounts.tests.factories import AccountFactory, IndustryFactory, UserFactory
from kam.pipeline import analytics, selectors, services, summary
from kam.pipeline.generate import generate_opportunities
from kam.pipeline.models import ForecastSummary, Opportunity, SalesProcess
from kam.users.handover import handover_execute

ROW = ("stage__code", "status", "reached", "month", "owner__username", "account_owner__username", "count")


@pytest.fixture
def process(db):
    return SalesProcess.objects.get(is_default=True)


def stored() -> set[tuple]:
    return set(ForecastSummary.objects.values_list(*summary.KEY_COLUMNS, "count", "amount_cents"))


def assert_summary_exact() -> None:
    """The summary as the writes left it equals a fresh aggregation, row for row, and a rebuild."""
    assert summary.differences() == []
    kept = stored()
    summary.rebuild()
    assert stored() == kept


def rows() -> list[tuple]:
    """The summary, readable: stage, status, reached, month, owner, account owner, count, amount."""
    return sorted(
        (*row, Decimal(cents).scaleb(-2))
        for *row, cents in ForecastSummary.objects.values_list(*ROW, "amount_cents")
    )


def _new(world, amount="1200000", close=datetime.date(2027, 1, 15), account=None, actor=None, **data):
    return services.opportunity_create(
        actor=actor or world.owner,
        data={
            "account": account or world.account,
            "name": "Call-back centre",
            "amount": Decimal(amount),
            "expected_close": close,
            **data,
        },
    )


def _move(opportunity, process, code, actor):
    return services.opportunity_move(
        opportunity=opportunity, to_stage=process.stages.get(code=code), actor=actor, reason="test"
    )


# --- writes --------------------------------------------------------------------------------------------


def test_create_adds_one_row(world, process):
    _new(world, amount="1200000.50")
    assert rows() == [("G", "open", 1, 202701, "owner", "owner", 1, Decimal("1200000.50"))]
    assert_summary_exact()


def test_update_of_amount_date_and_owner_moves_the_deal(world, process):
    deal = _new(world)
    _new(world, amount="300000")
    services.opportunity_update(
        opportunity=deal,
        actor=world.owner,
        data={
            "amount": Decimal("800000"),
            "expected_close": datetime.date(2027, 3, 1),
            "owner": world.teammate,
        },
    )
    assert rows() == [
        ("G", "open", 1, 202701, "owner", "owner", 1, Decimal("300000.00")),
        ("G", "open", 1, 202703, "teammate", "owner", 1, Decimal("800000.00")),
    ]
    assert_summary_exact()


def test_update_without_a_date_counts_under_month_zero(world, process):
    deal = _new(world)
    services.opportunity_update(opportunity=deal, actor=world.owner, data={"expected_close": None})
    assert rows() == [("G", "open", 1, 0, "owner", "owner", 1, Decimal("1200000.00"))]
    assert_summary_exact()


def test_update_to_another_account_counts_under_its_owner(world, process):
    deal = _new(world)
    services.opportunity_update(opportunity=deal, actor=world.admin, data={"account": world.other_account})
    assert rows() == [("G", "open", 1, 202701, "owner", "outsider", 1, Decimal("1200000.00"))]
    assert_summary_exact()


def test_moves_forward_back_and_to_won(world, process):
    deal = _move(_new(world), process, "C", world.owner)
    assert rows() == [("C", "open", 5, 202701, "owner", "owner", 1, Decimal("1200000.00"))]
    deal = _move(deal, process, "F", world.owner)  # back: the furthest stage reached stays C
    assert rows() == [("F", "open", 5, 202701, "owner", "owner", 1, Decimal("1200000.00"))]
    _move(deal, process, "S", world.owner)
    assert rows() == [("S", "won", 8, 202701, "owner", "owner", 1, Decimal("1200000.00"))]
    assert_summary_exact()


@pytest.mark.parametrize("status", ["lost", "abandoned"])
def test_close(world, process, status):
    deal = _move(_new(world), process, "D", world.owner)
    services.opportunity_close(opportunity=deal, actor=world.owner, status=status, reason="price")
    assert rows() == [("D", status, 4, 202701, "owner", "owner", 1, Decimal("1200000.00"))]
    assert_summary_exact()


def test_refused_writes_change_nothing(world, process):
    deal = _new(world)
    before = stored()
    with pytest.raises(ValidationError):
        services.opportunity_move(opportunity=deal, to_stage=process.stages.get(code="F"), actor=world.owner)
    with pytest.raises(ValidationError):
        services.opportunity_update(opportunity=deal, actor=world.owner, data={"amount": Decimal("-1")})
    with pytest.raises(ValidationError):
        services.opportunity_close(opportunity=deal, actor=world.owner, status="lost", reason=" ")
    with pytest.raises(ValidationError):
        _new(world, name="")
    assert stored() == before
    assert Opportunity.objects.count() == 1
    assert_summary_exact()


def test_a_block_that_fails_leaves_the_summary_as_it_was(world, process):
    deal = _new(world)
    before = stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        with summary.forecast_changes(opportunity_ids=[deal.pk]):
            Opportunity.objects.filter(pk=deal.pk).update(amount=Decimal("1"))
            raise RuntimeError("the importer found a problem")
    assert stored() == before
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("1200000.00")


def test_account_owner_change_moves_every_deal_of_the_account(world, process):
    _new(world)
    _new(world, amount="500000", owner=world.teammate)
    _new(world, amount="700000", account=world.other_account, actor=world.outsider)
    account_services.account_update(account=world.account, actor=world.admin, data={"owner": world.outsider})
    assert rows() == [
        ("G", "open", 1, 202701, "outsider", "outsider", 1, Decimal("700000.00")),
        ("G", "open", 1, 202701, "owner", "outsider", 1, Decimal("1200000.00")),
        ("G", "open", 1, 202701, "teammate", "outsider", 1, Decimal("500000.00")),
    ]
    assert_summary_exact()


def test_account_update_without_owner_change_keeps_the_rows(world, process):
    _new(world)
    before = stored()
    account_services.account_update(account=world.account, actor=world.admin, data={"name": "SPD"})
    account_services.account_update(account=world.account, actor=world.admin, data={"owner": world.owner})
    assert stored() == before


def test_handover_moves_accounts_and_open_deals(world, process):
    kept = _move(_new(world, amount="100000"), process, "S", world.owner)  # won: stays with its owner
    _new(world)
    _new(world, amount="700000", account=world.other_account, actor=world.admin, owner=world.owner)
    moved = handover_execute(from_user=world.owner, to_user=world.teammate, actor=world.admin)
    assert (moved["accounts"], moved["opportunities"]) == (1, 2)
    assert rows() == [
        ("G", "open", 1, 202701, "teammate", "outsider", 1, Decimal("700000.00")),
        ("G", "open", 1, 202701, "teammate", "teammate", 1, Decimal("1200000.00")),
        ("S", "won", 8, 202701, "owner", "teammate", 1, Decimal("100000.00")),
    ]
    assert Opportunity.objects.get(pk=kept.pk).owner == world.owner
    assert_summary_exact()


def test_forecast_changes_covers_bulk_writes_like_an_importer(world, process):
    """What an importer does: update existing deals and insert new ones inside one forecast_changes()."""
    existing = _new(world)
    stage_c = process.stages.get(code="C")
    with transaction.atomic():
        with summary.forecast_changes(opportunity_ids=[existing.pk], account_ids=[world.other_account.pk]):
            Opportunity.objects.filter(pk=existing.pk).update(amount=Decimal("900000"), stage=stage_c)
            Opportunity.objects.bulk_create(
                [
                    Opportunity(
                        number=f"IMP-{n}",
                        account=world.other_account,
                        name=f"Imported {n}",
                        amount=Decimal("10000.25"),
                        owner=world.outsider,
                        process=process,
                        stage=stage_c,
                        expected_close=datetime.date(2027, 2, n),
                    )
                    for n in (1, 2)
                ]
            )
    assert rows() == [
        ("C", "open", 0, 202702, "outsider", "outsider", 2, Decimal("20000.50")),
        ("C", "open", 1, 202701, "owner", "owner", 1, Decimal("900000.00")),
    ]
    assert_summary_exact()


def test_generator_rebuilds_and_the_command_checks(world, process, capsys):
    generate_opportunities(count=60, seed=3, today=datetime.date(2026, 6, 1), audit=False)
    assert ForecastSummary.objects.aggregate(n=Sum("count"))["n"] == 60
    assert_summary_exact()
    call_command("forecast_summary")
    assert "exact" in capsys.readouterr().out
    ForecastSummary.objects.filter(pk=ForecastSummary.objects.order_by("pk").first().pk).update(count=99)
    with pytest.raises(CommandError, match="differs from the opportunities in 1 keys"):
        call_command("forecast_summary")
    call_command("forecast_summary", "--rebuild")
    assert summary.differences() == []


def test_stage_probability_edit_needs_no_rebuild(world, process):
    _move(_new(world), process, "D", world.owner)
    stage = process.stages.get(code="D")
    stage.probability = Decimal("40")
    stage.save(update_fields=["probability"])
    result = analytics.pipeline_forecast(user=world.owner, process=process)
    assert result["views"]["weighted"] == Decimal("480000.00")
    assert_summary_exact()


# --- reads: the same figures from the summary as from the opportunities --------------------------------


@pytest.fixture
def pipeline(world, process):
    """Deals in every scope: the owner's account (the teammate on its team), the outsider's account (the
    east manager on its team, outside their reach), a third account owned by the east manager."""
    industry = IndustryFactory(code="energy")
    east_account = AccountFactory(name="East Power", owner=world.east_manager, industry=industry)
    world.other_account.team_members.create(user=world.east_manager, role="executive_sponsor")
    deals = [
        _new(world, "1000000", datetime.date(2027, 1, 15)),
        _new(world, "400000.10", datetime.date(2027, 1, 20), owner=world.teammate),
        _new(world, "250000", None),
        _new(world, "700000", datetime.date(2027, 3, 1), account=world.other_account, actor=world.outsider),
        _new(world, "90000", datetime.date(2026, 12, 31), account=world.other_account, actor=world.outsider),
        _new(world, "333333.33", datetime.date(2027, 2, 1), account=east_account, actor=world.east_manager),
    ]
    _move(deals[0], process, "D", world.owner)
    _move(deals[1], process, "B", world.owner)
    _move(deals[3], process, "C", world.outsider)
    _move(deals[5], process, "A", world.east_manager)
    for n, (account, actor, code, status) in enumerate(
        [
            (world.account, world.owner, "S", "won"),
            (world.account, world.owner, "C", "lost"),
            (world.other_account, world.outsider, "E", "abandoned"),
            (world.other_account, world.outsider, "S", "won"),
            (east_account, world.east_manager, "F", "lost"),
        ]
    ):
        deal = _move(_new(world, str(100000 * (n + 1)), account=account, actor=actor), process, code, actor)
        if status != "won":
            services.opportunity_close(opportunity=deal, actor=actor, status=status, reason="price")
    assert_summary_exact()
    return world


PERSONAS = ["admin", "auditor", "manager", "east_manager", "owner", "teammate", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("narrow", ["everyone", "owner", "team", "months", "months+team", "open-ended"])
def test_forecast_from_the_summary_equals_the_opportunities(pipeline, process, persona, narrow):
    user = getattr(pipeline, persona)
    owners = {
        "owner": [pipeline.owner.pk],
        "team": [pipeline.owner.pk, pipeline.east_manager.pk],
        "months+team": [pipeline.owner.pk, pipeline.east_manager.pk],
    }.get(narrow)
    months = {
        "months": summary.MonthRange.of(datetime.date(2027, 1, 10), datetime.date(2027, 2, 3)),
        "months+team": summary.MonthRange.of(datetime.date(2026, 12, 1), datetime.date(2027, 1, 31)),
        "open-ended": summary.MonthRange.of(datetime.date(2027, 2, 1), None),
    }.get(narrow)
    fast = analytics.pipeline_forecast(user=user, process=process, owners=owners, months=months)
    raw = analytics.pipeline_forecast(
        user=user, process=process, owners=owners, months=months, use_summary=False
    )
    assert fast == raw


def test_forecast_figures_per_scope(pipeline, process):
    def weighted(persona, **kwargs):
        return analytics.pipeline_forecast(user=getattr(pipeline, persona), process=process, **kwargs)[
            "views"
        ]["weighted"]

    # D 1,000,000 × 30 % + B 400,000.10 × 75 % + G 250,000 × 10 % + C 700,000 × 50 % + G 90,000 × 10 %
    # + A 333,333.33 × 90 %
    assert weighted("admin") == Decimal("300000.00") + Decimal("300000.08") + Decimal("25000.00") + Decimal(
        "350000.00"
    ) + Decimal("9000.00") + Decimal("300000.00")
    assert weighted("owner") == Decimal("625000.08")
    assert weighted("teammate") == Decimal("625000.08")  # only through the account team: the remainder
    assert weighted("outsider") == Decimal("359000.00")
    assert weighted("east_manager") == Decimal("1284000.08")  # reach + the outsider's account via its team
    assert weighted(
        "admin", months=summary.MonthRange.of(datetime.date(2027, 1, 1), datetime.date(2027, 1, 1))
    ) == Decimal("600000.08")
    result = analytics.pipeline_forecast(user=pipeline.admin, process=process)
    assert [(key[0], row["count"]) for key, row in result["months"]] == [
        (datetime.date(2026, 12, 1), 1),
        (datetime.date(2027, 1, 1), 2),
        (datetime.date(2027, 2, 1), 1),
        (datetime.date(2027, 3, 1), 1),
        (None, 1),
    ]
    assert [(user.username, row["weighted"]) for user, row in result["by_owner"]] == [
        ("outsider", Decimal("359000.00")),
        ("owner", Decimal("325000.00")),
        ("teammate", Decimal("300000.08")),
        ("east_manager", Decimal("300000.00")),
    ]
    assert [c.sample for _stage, c in result["calibration"]] == [5, 5, 4, 3, 3, 2, 2, 2]


def test_inactive_user_sees_nothing_from_either_source(pipeline, process):
    pipeline.owner.is_active = False
    pipeline.owner.save(update_fields=["is_active"])
    for use_summary in (True, False):
        result = analytics.pipeline_forecast(user=pipeline.owner, process=process, use_summary=use_summary)
        assert (result["views"]["pipeline"], result["months"]) == (Decimal("0"), [])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "query",
    [{}, {"owner": "owner"}, {"team": "east"}, {"close_after": "2027-01-01", "close_before": "2027-02-28"},
     {"status": "won"}],
)  # fmt: skip
def test_board_sums_from_the_summary_equal_the_opportunities(rf, pipeline, process, persona, query):
    from kam.pipeline.filtersets import OpportunityFilterSet

    user = getattr(pipeline, persona)
    data = dict(query)
    if "owner" in data:
        data["owner"] = str(getattr(pipeline, data["owner"]).pk)
    if "team" in data:
        data["team"] = str(getattr(pipeline, data["team"]).pk)

    request = rf.get("/")
    request.user = user
    filterset = OpportunityFilterSet(data, queryset=selectors.opportunity_list(user=user), request=request)
    narrowing = selectors.summary_narrowing(filterset)
    if not filterset.is_valid():  # a person or team outside the user's choices: the table answers
        assert narrowing is None
        return
    fast = selectors.board_columns(
        process=process, opportunities=filterset.qs, user=user, narrowing=narrowing
    )
    raw = selectors.board_columns(process=process, opportunities=filterset.qs)
    assert [(c["stage"].code, c["count"], c["amount"], c["weighted"]) for c in fast] == [
        (c["stage"].code, c["count"], c["amount"], c["weighted"]) for c in raw
    ]


@pytest.mark.parametrize(
    "query",
    [{"q": "Call"}, {"industry": "energy"}, {"close_after": "2027-01-02"}, {"close_before": "2027-01-30"}],
)
def test_board_falls_back_to_the_opportunities_for_other_filters(rf, pipeline, query):
    from kam.pipeline.filtersets import OpportunityFilterSet

    data = dict(query)
    if "industry" in data:
        data["industry"] = str(IndustryFactory(code=data["industry"]).pk)

    request = rf.get("/")
    request.user = pipeline.admin
    filterset = OpportunityFilterSet(
        data, queryset=selectors.opportunity_list(user=pipeline.admin), request=request
    )
    assert selectors.summary_narrowing(filterset) is None


def test_month_range_bounds():
    months = summary.MonthRange.of(datetime.date(2026, 11, 20), datetime.date(2027, 2, 3))
    assert (months.first, months.last) == (202611, 202702)
    assert (months.since, months.until) == (datetime.date(2026, 11, 1), datetime.date(2027, 2, 28))
    assert summary.MonthRange.of(None, datetime.date(2026, 12, 5)).until == datetime.date(2026, 12, 31)
    assert not summary.MonthRange.of(None, None)
    assert summary.month_key(None) == 0 and summary.month_start(0) is None


def test_manager_without_a_team_sees_only_their_own(pipeline, process):
    stranger = UserFactory(username="stranger", role="manager")
    result = analytics.pipeline_forecast(user=stranger, process=process)
    assert result["views"]["pipeline"] == Decimal("0")
    assert result == analytics.pipeline_forecast(user=stranger, process=process, use_summary=False)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_few_accounts_hint_finds_the_same_cards_and_list(client, pipeline, process, persona):
    from kam.accounts.models import Account

    user = getattr(pipeline, persona)
    accounts = selectors.few_visible_accounts(user)
    if persona in ("admin", "auditor"):
        assert accounts is None
    else:
        assert accounts == sorted(Account.objects.restrict(user).values_list("pk", flat=True))
    scope = selectors.opportunity_list(user=user)
    for stage in process.stages.order_by("order"):
        hinted = selectors.column_cards(stage=stage, opportunities=scope, accounts=accounts, cards=2)
        assert hinted == selectors.column_cards(stage=stage, opportunities=scope, cards=2)
    client.force_login(user)
    listed = [o.pk for o in client.get(reverse("pipeline:list")).context["page"].rows]
    assert listed == list(scope.order_by("-updated_at", "-id").values_list("pk", flat=True)[:50])


def test_many_accounts_are_no_hint(pipeline, monkeypatch):
    monkeypatch.setattr(selectors, "FEW_ACCOUNTS", 1)
    assert selectors.few_visible_accounts(pipeline.east_manager) is None
    assert selectors.few_visible_accounts(pipeline.outsider) == [pipeline.other_account.pk]


# --- several currencies: the same figures from both sources, converted at read time ----------------------


@pytest.fixture
def mixed_pipeline(pipeline, process):
    """The pipeline above plus deals in USD (with a rate), EUR (with a rate) and HKD (without) in every
    scope, amounts whose conversions round."""
    account_services.exchange_rate_set(actor=pipeline.admin, currency="USD", rate=Decimal("7.123457"))
    account_services.exchange_rate_set(actor=pipeline.admin, currency="EUR", rate=Decimal("7.8"))
    east_account = pipeline.east_manager.owned_accounts.get()
    for amount, currency, account, actor, code, close in [
        ("100000.01", "USD", pipeline.account, pipeline.owner, "C", datetime.date(2027, 1, 3)),
        ("0.07", "USD", pipeline.account, pipeline.owner, "C", datetime.date(2027, 1, 9)),
        ("33333.33", "EUR", pipeline.other_account, pipeline.outsider, "B", datetime.date(2027, 2, 1)),
        ("50000", "HKD", east_account, pipeline.east_manager, "D", datetime.date(2027, 3, 1)),
        ("12345.67", "USD", east_account, pipeline.east_manager, "A", None),
    ]:
        _move(
            _new(pipeline, amount, close, account=account, actor=actor, currency=currency),
            process,
            code,
            actor,
        )
    assert_summary_exact()
    return pipeline


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("narrow", ["everyone", "team", "months"])
def test_mixed_currencies_from_the_summary_equal_the_opportunities(mixed_pipeline, process, persona, narrow):
    user = getattr(mixed_pipeline, persona)
    owners = [mixed_pipeline.owner.pk, mixed_pipeline.east_manager.pk] if narrow == "team" else None
    months = (
        summary.MonthRange.of(datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
        if narrow == "months"
        else None
    )
    fast = analytics.pipeline_forecast(user=user, process=process, owners=owners, months=months)
    raw = analytics.pipeline_forecast(
        user=user, process=process, owners=owners, months=months, use_summary=False
    )
    assert fast == raw
    from_summary = selectors.column_totals(
        process=process,
        opportunities=selectors.opportunity_list(user=user),
        user=user,
        narrowing=selectors.Narrowing(owners, months or summary.MonthRange(), selectors.BOARD_STATUSES),
    )
    scoped = selectors.opportunity_list(user=user)
    if owners is not None:
        scoped = scoped.filter(owner_id__in=owners)
    if months:
        scoped = scoped.filter(months.opportunity_q())
    assert from_summary == selectors.column_totals(process=process, opportunities=scoped)


def test_mixed_currency_figures(mixed_pipeline, process):
    result = analytics.pipeline_forecast(user=mixed_pipeline.admin, process=process)
    # the admin's weighted total of test_forecast_figures_per_scope (1,284,000.08), plus
    # C: USD 100,000.08 × 7.123457 = 712,346.27 (one conversion of the month's USD sum) × 50 % = 356,173.14
    # B: EUR 33,333.33 × 7.8 = 259,999.97 × 75 % = 194,999.98; A: USD 12,345.67 × 7.123457 = 87,943.85 × 90 %
    # = 79,149.47 (half up from .465); HKD 50,000 left out
    assert result["unconverted"] == ["HKD"]
    by_month = {key[0]: row for key, row in result["months"]}
    assert by_month[datetime.date(2027, 1, 1)]["amount"] == Decimal("1400000.10") + Decimal("712346.27")
    assert result["views"]["weighted"] == Decimal("1284000.08") + Decimal("356173.14") + Decimal(
        "194999.98"
    ) + Decimal("79149.47")
