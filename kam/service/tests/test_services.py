"""Writes: each audited, histories appended, bad input refused with nothing changed; the figures the
arithmetic gets from the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kam.accounts import services as account_services
from kam.audit.models import ObjectChange
from kam.service import figures, services
from kam.service.models import (
    CategorySpend,
    GridPlacement,
    LoyaltyReview,
    RelationshipStage,
    ServiceRequest,
    StageChange,
)
from kam.service.tests.factories import contacts, meet, sell
from kam.tiering.models import Feedback, FeedbackMonth

TODAY = datetime.date(2026, 6, 30)


def _state():
    return (
        list(StageChange.objects.values_list("id", "to_stage")),
        list(RelationshipStage.objects.values_list("id", "stage", "version")),
        list(CategorySpend.objects.values_list("id", "amount")),
        list(GridPlacement.objects.values_list("id", "depth", "level")),
        list(ServiceRequest.objects.values_list("id", "resolved_at")),
        Feedback.objects.count(),
        ObjectChange.objects.count(),
    )


def test_stage_changes_are_kept_with_date_reason_and_who(world):
    services.stage_change(
        account=world.account, to_stage="mid", reason="40 % of wallet", actor=world.owner,
        changed_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    services.stage_change(
        account=world.account, to_stage="high", reason="Won the data centre", actor=world.teammate,
        changed_on=datetime.date(2026, 6, 1),
    )  # fmt: skip
    assert list(
        StageChange.objects.filter(account=world.account)
        .order_by("id")
        .values_list("from_stage", "to_stage", "changed_on", "reason", "changed_by__username")
    ) == [
        ("", "mid", datetime.date(2026, 1, 5), "40 % of wallet", "owner"),
        ("mid", "high", datetime.date(2026, 6, 1), "Won the data centre", "teammate"),
    ]
    current = RelationshipStage.objects.get(account=world.account)
    assert (current.stage, current.since, current.version) == ("high", datetime.date(2026, 6, 1), 2)
    audited = ObjectChange.objects.filter(account_id=world.account.pk).values_list(
        "content_type__model", "action"
    )
    assert sorted(audited) == sorted(
        [("stagechange", "create"), ("relationshipstage", "create"), ("stagechange", "create"),
         ("relationshipstage", "update")]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "reason", "field"),
    [("high", "   ", "reason"), ("nowhere", "why", "to_stage"), ("mid", "again", "to_stage")],
)
def test_a_bad_stage_change_changes_nothing(world, stage, reason, field):
    services.stage_change(account=world.account, to_stage="mid", reason="start", actor=world.owner)
    before = _state()
    with pytest.raises(ValidationError) as error:
        services.stage_change(account=world.account, to_stage=stage, reason=reason, actor=world.owner)
    assert field in error.value.message_dict
    assert _state() == before


def test_a_stage_change_is_dated_neither_before_the_current_stage_nor_in_the_future(world):
    services.stage_change(
        account=world.account, to_stage="mid", reason="start", actor=world.owner,
        changed_on=datetime.date(2026, 3, 1),
    )  # fmt: skip
    before = _state()
    for day, message in (
        (
            datetime.date(2026, 2, 28),
            "The current stage holds since 2026-03-01; a change cannot be dated before it.",
        ),
        (timezone.localdate() + datetime.timedelta(days=1), "The date is in the future."),
    ):
        with pytest.raises(ValidationError) as error:
            services.stage_change(
                account=world.account, to_stage="high", reason="why", actor=world.owner, changed_on=day
            )
        assert error.value.message_dict == {"changed_on": [message]}
    assert _state() == before
    services.stage_change(
        account=world.account, to_stage="high", reason="same day", actor=world.owner,
        changed_on=datetime.date(2026, 3, 1),
    )  # fmt: skip
    assert RelationshipStage.objects.get(account=world.account).stage == "high"


def test_auditors_change_nothing(world):
    before = _state()
    with pytest.raises(PermissionDenied):
        services.stage_change(account=world.account, to_stage="mid", reason="x", actor=world.auditor)
    with pytest.raises(PermissionDenied):
        services.spend_set(account=world.account, year=2026, amount=Decimal(1), actor=world.auditor)
    assert _state() == before


def test_spend_is_one_row_per_year_corrected_in_place(world):
    services.spend_set(account=world.account, year=2025, amount=Decimal("1000000"), actor=world.owner)
    services.spend_set(
        account=world.account, year=2025, amount=Decimal("1200000"), source="their plan", actor=world.owner
    )
    assert list(CategorySpend.objects.values_list("year", "amount", "currency", "source", "version")) == [
        (2025, Decimal("1200000.00"), "CNY", "their plan", 2)
    ]
    assert ObjectChange.objects.filter(content_type__model="categoryspend").count() == 2


def test_share_of_wallet_from_the_ledger(world):
    sell(world.account, on=datetime.date(2025, 3, 1), amount="300000")
    sell(world.account, on=datetime.date(2025, 9, 1), amount="120000")
    sell(world.account, on=datetime.date(2026, 1, 1), amount="999999")  # another year
    services.spend_set(account=world.account, year=2025, amount=Decimal("1000000"), actor=world.owner)
    share = figures.share_for(world.account, 2025)
    assert (share.percent, share.warning) == (Decimal("42.0"), False)
    assert figures.revenue_by_year([world.account.pk], [2025]) == {
        (world.account.pk, 2025): {"revenue": Decimal("420000"), "profit": Decimal("0")}
    }


def test_grid_history_is_kept_and_the_contact_must_be_the_accounts(world):
    zheng, stranger = contacts(world.account, "郑师超")[0], contacts(world.other_account, "Stranger")[0]
    services.grid_place(account=world.account, contact=zheng, depth=1, level="e", actor=world.owner,
                        placed_on=datetime.date(2026, 1, 1))  # fmt: skip
    services.grid_place(account=world.account, contact=zheng, depth=3, level="C", actor=world.owner,
                        placed_on=datetime.date(2026, 5, 1))  # fmt: skip
    assert list(GridPlacement.objects.values_list("depth", "level")) == [(1, "E"), (3, "C")]
    before = _state()
    with pytest.raises(ValidationError) as error:
        services.grid_place(account=world.account, contact=stranger, depth=2, level="D", actor=world.owner)
    assert "contact" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.grid_place(account=world.account, contact=zheng, depth=6, level="D", actor=world.owner)
    assert _state() == before


def test_contact_pattern_counts_pairs_beyond_the_bow_tie(world):
    zheng, lin, huang = contacts(world.account, "郑师超", "林智勇", "黄艾香")
    meet(world.account, on=TODAY - datetime.timedelta(days=10), ours=[world.owner], theirs=[zheng])
    meet(world.account, on=TODAY - datetime.timedelta(days=20), ours=[world.owner], theirs=[zheng])
    meet(world.account, on=TODAY - datetime.timedelta(days=30), ours=[world.teammate], theirs=[lin, huang])
    meet(
        world.account, on=TODAY - datetime.timedelta(days=400), ours=[world.manager], theirs=[zheng]
    )  # too old
    pattern = figures.contact_pattern(world.account, as_of=TODAY)
    assert dict(pattern.pairs) == {
        (world.owner.pk, zheng.pk): 2,
        (world.teammate.pk, lin.pk): 1,
        (world.teammate.pk, huang.pk): 1,
    }
    assert pattern.beyond == 2
    assert pattern.ours[world.teammate.pk].endswith("· Presales engineer")


def test_loyalty_review_keeps_the_score_of_the_day(world):
    sell(world.account, on=datetime.date(2025, 3, 1), amount="100000")  # the 12 months before
    sell(world.account, on=datetime.date(2026, 3, 1), amount="80000")
    services.spend_set(account=world.account, year=2026, amount=Decimal("200000"), actor=world.owner)
    services.contribution_set(account=world.account, year=2025, referrals=2, actor=world.owner)
    review = services.loyalty_review(
        account=world.account, competitor_availability=3, competitor_attractiveness=4, actor=world.owner,
        reviewed_on=TODAY,
    )  # fmt: skip
    # retention 80 % → 28.0; share 40 % → 14.0; 2 referrals → 20.0;
    # availability 3 → −7.5; attractiveness 4 → −11.3
    assert review.score == Decimal("43.2")
    with pytest.raises(ValidationError):
        services.loyalty_review(
            account=world.account, competitor_availability=0, competitor_attractiveness=4, actor=world.owner
        )
    assert LoyaltyReview.objects.count() == 1


def test_a_complaint_is_tiering_feedback_and_the_sla_is_tracked(world):
    opened = timezone.make_aware(datetime.datetime(2026, 6, 1, 9, 0))
    complaint = services.request_open(
        account=world.account, actor=world.owner,
        data={"kind": "complaint", "priority": "high", "title": "Line down", "opened_at": opened},
    )  # fmt: skip
    assert complaint.due_at == opened + datetime.timedelta(hours=24)
    feedback = Feedback.objects.get()
    assert (feedback.kind, feedback.number, feedback.text, complaint.feedback_id) == (
        "complaint", complaint.number, "Line down", feedback.pk
    )  # fmt: skip
    assert FeedbackMonth.objects.get(account=world.account).complaints == 1
    request = services.request_open(
        account=world.account, actor=world.owner, data={"title": "More seats", "opened_at": opened}
    )
    assert (request.kind, request.due_at, request.feedback) == (
        "request",
        opened + datetime.timedelta(hours=72),
        None,
    )
    assert Feedback.objects.count() == 1
    assert complaint.breached(now=opened + datetime.timedelta(hours=23)) is False
    assert complaint.breached(now=opened + datetime.timedelta(hours=25)) is True
    services.request_resolve(
        request=complaint,
        actor=world.owner,
        resolution="Fixed",
        resolved_at=opened + datetime.timedelta(hours=30),
    )
    assert complaint.breached(now=opened) is True
    before = _state()
    with pytest.raises(ValidationError):
        services.request_resolve(request=complaint, actor=world.owner, resolution="Again")
    with pytest.raises(ValidationError):
        services.request_resolve(request=request, actor=world.owner, resolution="  ")
    for resolved_at, message in (
        (opened - datetime.timedelta(minutes=1), "It cannot be resolved before it was opened."),
        (timezone.now() + datetime.timedelta(hours=1), "This time is in the future."),
    ):
        with pytest.raises(ValidationError) as error:
            services.request_resolve(
                request=request, actor=world.owner, resolution="Done", resolved_at=resolved_at
            )
        assert error.value.message_dict == {"resolved_at": [message]}
    assert _state() == before


def test_records_deleted_with_their_account_or_contact_are_audited(world):
    zheng = contacts(world.account, "郑师超")[0]
    services.grid_place(account=world.account, contact=zheng, depth=2, level="D", actor=world.owner)
    services.stage_change(account=world.account, to_stage="mid", reason="x", actor=world.owner)
    account_services.contact_delete(contact=zheng, actor=world.owner)
    assert GridPlacement.objects.count() == 0
    assert ObjectChange.objects.filter(content_type__model="gridplacement", action="delete").count() == 1
    account_services.account_delete(account=world.account, actor=world.owner)
    deleted = ObjectChange.objects.filter(action="delete").values_list("content_type__model", flat=True)
    assert {"stagechange", "relationshipstage"} <= set(deleted)
    assert StageChange.objects.count() == RelationshipStage.objects.count() == 0
