"""Audit entries shown to people: translated labels, readable values, related records named in scope."""

from django.urls import reverse
from django.utils import translation

from kam.accounts.services import account_update
from kam.accounts.tests.factories import AccountFactory
from kam.audit.models import ObjectChange
from kam.audit.presentation import FieldChange, change_rows


def _latest(instance):
    return ObjectChange.objects.filter(object_id=str(instance.pk)).order_by("-id")[:1]


def test_an_update_shows_each_changed_field_before_and_after(world):
    account_update(
        account=world.account,
        actor=world.owner,
        data={"status": "active", "is_listed": True, "owner": world.east_manager, "region": "浦东"},
        expected_version=world.account.version,
    )
    with translation.override("en"):
        [row] = change_rows(_latest(world.account), user=world.owner)
    assert sorted(row.fields, key=lambda f: f.label) == [
        FieldChange("Listed", "no", "yes"),
        FieldChange("Owner", str(world.owner), str(world.east_manager)),
        FieldChange("Region", "—", "浦东"),
        FieldChange("Status", "Prospect", "Active customer"),
    ]
    with translation.override("zh-hans"):
        [row] = change_rows(_latest(world.account), user=world.owner)
    assert FieldChange("状态", "潜在客户", "活跃客户") in row.fields


def test_related_records_outside_the_readers_scope_show_as_ids(world):
    secret_parent = AccountFactory(name="West Holdings", code="WH", owner=world.outsider)
    account_update(
        account=world.account,
        actor=world.admin,
        data={"parent": secret_parent},
        expected_version=world.account.version,
    )
    [as_owner] = change_rows(_latest(world.account), user=world.owner)
    [as_admin] = change_rows(_latest(world.account), user=world.admin)
    assert as_owner.fields == [FieldChange("Parent account", "—", f"#{secret_parent.pk}")]
    assert as_admin.fields == [FieldChange("Parent account", "—", "West Holdings")]


def test_the_history_tab_shows_values_and_the_system_actor_translated(client, world):
    account_update(
        account=world.account, actor=None, data={"region": "浦东"}, expected_version=world.account.version
    )
    client.force_login(world.owner)
    page = client.get(reverse("accounts:detail", args=[world.account.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert '<td class="text-nowrap">系统</td>' in html
    assert "→ 浦东</dd>" in html
    assert ">version<" not in html and ">id<" not in html


def test_moments_show_in_local_time_and_lists_as_plain_text(settings):
    from kam.audit.presentation import _display, _RelatedNames
    from kam.pipeline.models import StageTransition

    settings.TIME_ZONE = "Asia/Shanghai"
    related = _RelatedNames(user=None)
    moved_at, unmet = (StageTransition._meta.get_field(name) for name in ("moved_at", "unmet_criteria"))
    assert _display(moved_at, "2026-11-28T05:10:56.726405+00:00", related) == "2026-11-28 13:10"
    assert _display(moved_at, "not a moment", related) == "not a moment"
    assert _display(unmet, ["Budget confirmed", "需求已确认"], related) == "Budget confirmed; 需求已确认"


def test_amounts_and_counts_read_as_they_do_elsewhere(world):
    from decimal import Decimal

    account_update(
        account=world.account,
        actor=world.owner,
        data={"annual_revenue": Decimal(52_000_000), "registered_capital": Decimal("8000000.5")},
    )
    with translation.override("en"):
        [row] = change_rows(_latest(world.account), user=world.owner)
    assert sorted(row.fields, key=lambda f: f.label) == [
        FieldChange("Annual revenue", "—", "52,000,000.00"),
        FieldChange("Registered capital", "—", "8,000,000.50"),
    ]


def test_who_is_named_as_people_are_named_elsewhere(client, world):
    world.owner.full_name = "张伟 Zhang Wei"
    world.owner.save(update_fields=["full_name"])
    account_update(account=world.account, actor=world.owner, data={"region": "浦东"})
    client.force_login(world.owner)
    page = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()
    assert '<td class="text-nowrap">张伟 Zhang Wei</td>' in page


def test_a_year_is_not_grouped_like_an_amount():
    from kam.audit.presentation import _display
    from kam.service.models import CategorySpend

    with translation.override("en"):
        assert _display(CategorySpend._meta.get_field("year"), 2026, None) == "2026"
