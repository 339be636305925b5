"""CSV / XLSX of stages and spend: round trip, located errors, all or nothing, formula-safe, scoped."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kam.audit.models import ObjectChange
from kam.service import services
from kam.service.models import CategorySpend, RelationshipStage, StageChange


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("file.csv", text.encode(), content_type="text/csv")


def _state():
    return (
        list(StageChange.objects.values_list("id", "to_stage")),
        list(RelationshipStage.objects.values_list("id", "stage")),
        list(CategorySpend.objects.values_list("id", "amount")),
        ObjectChange.objects.count(),
    )


def test_import_stages_by_code_or_label(client, world):
    client.force_login(world.owner)
    upload = _csv("account_code,stage,since,reason\n110,Mid,2026-02-01,钱包份额40%\n")
    response = client.post(reverse("service:stages_import"), {"file": upload})
    assert response.status_code == 302
    assert list(StageChange.objects.values_list("to_stage", "changed_on", "reason")) == [
        ("mid", datetime.date(2026, 2, 1), "钱包份额40%")
    ]


def test_a_bad_stage_file_names_row_and_column_and_saves_nothing(client, world):
    services.stage_change(account=world.account, to_stage="initial", reason="start", actor=world.owner)
    client.force_login(world.owner)
    before = _state()
    upload = _csv(
        "account_code,stage,since,reason\n"
        "110,high,2026-02-01,Won the DC\n"  # fine on its own
        "W1,mid,2026-02-01,not mine\n"  # West Corp: the owner may not change it
        "110,upwards,2026-02-01,x\n"
    )
    response = client.post(reverse("service:stages_import"), {"file": upload})
    assert response.status_code == 400
    errors = [(e["row"], e["column"]) for e in response.context["transfers"][0]["errors"]]
    assert errors == [(3, "account_code"), (4, "stage")]
    assert _state() == before


def test_spend_round_trip_and_errors(client, world):
    services.spend_set(
        account=world.account, year=2025, amount=Decimal("1000000"), source="=HYPERLINK()", actor=world.owner
    )
    client.force_login(world.owner)
    exported = client.get(reverse("service:spend_export", args=["csv"])).content.decode("utf-8-sig")
    assert exported.splitlines() == [
        "account_code,account,year,amount,currency,source",
        "110,SPD Bank,2025,1000000.00,CNY,'=HYPERLINK()",
    ]
    upload = _csv("account_code,year,amount,source\n110,2025,1200000,plan\n110,2026,-5,plan\n")
    before = _state()
    response = client.post(reverse("service:spend_import"), {"file": upload})
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.context["transfers"][1]["errors"]] == [(3, "amount")]
    assert _state() == before
    upload = _csv("account_code,year,amount,source\n110,2025,1200000,plan\n110,2026,1300000,plan\n")
    assert client.post(reverse("service:spend_import"), {"file": upload}).status_code == 302
    assert list(CategorySpend.objects.order_by("year").values_list("year", "amount", "source")) == [
        (2025, Decimal("1200000.00"), "plan"),
        (2026, Decimal("1300000.00"), "plan"),
    ]


def test_stage_export_lists_only_visible_accounts(client, world):
    services.stage_change(account=world.account, to_stage="mid", reason="x", actor=world.owner)
    client.force_login(world.owner)
    lines = (
        client.get(reverse("service:stages_export", args=["csv"])).content.decode("utf-8-sig").splitlines()
    )
    assert lines[0] == "account_code,account,stage,since,reason"
    assert len(lines) == 2 and lines[1].startswith("110,SPD Bank,mid,")


def test_requests_export_with_the_sla_state(client, world):
    opened = timezone.make_aware(datetime.datetime(2026, 6, 1, 9, 0))
    services.request_open(
        account=world.account, actor=world.owner,
        data={"kind": "complaint", "priority": "urgent", "title": "=cmd|'/c calc'!A1", "opened_at": opened},
    )  # fmt: skip
    services.request_open(account=world.other_account, actor=world.outsider, data={"title": "West's request"})
    client.force_login(world.owner)
    lines = (
        client.get(reverse("service:requests_export", args=["csv"])).content.decode("utf-8-sig").splitlines()
    )
    assert lines[0] == (
        "number,account_code,account,kind,priority,title,opened_at,due_at,resolved_at,sla_breached,resolution"
    )
    assert len(lines) == 2
    cells = lines[1].split(",")
    assert cells[1:6] == ["110", "SPD Bank", "complaint", "urgent", "'=cmd|'/c calc'!A1"]
    assert cells[9] == "TRUE"
