"""CSV / XLSX of stages, spend and service requests: round trip, located errors, all or nothing, formula-safe,
scoped."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kam.audit.models import ObjectChange
from kam.service import services
from kam.service.models import CategorySpend, RelationshipStage, ServiceRequest, StageChange
from kam.tiering.models import Feedback


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
        "number,account_code,account,kind,priority,title,description,opened_at,due_at,resolved_at,sla_breached,"
        "resolution"
    )
    assert len(lines) == 2
    cells = lines[1].split(",")
    assert cells[1:] == [
        "110", "SPD Bank", "complaint", "urgent", "'=cmd|'/c calc'!A1", "",
        "2026-06-01 09:00", "2026-06-01 13:00", "", "TRUE", "",
    ]  # fmt: skip


def _at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def _requests():
    return list(
        ServiceRequest.objects.order_by("opened_at").values_list(
            "kind", "priority", "title", "description", "opened_at", "due_at", "resolved_at", "resolution"
        )
    )


def _request_state():
    return (
        list(ServiceRequest.objects.values_list("id", "number", "resolved_at", "resolution")),
        Feedback.objects.count(),
        ObjectChange.objects.count(),
    )


def test_import_requests_opens_resolves_and_round_trips(client, world):
    services.request_open(
        account=world.account, actor=world.owner,
        data={"number": "SR-A", "kind": "complaint", "priority": "urgent", "title": "Line down",
              "description": "Two hours", "opened_at": _at("2026-06-01 09:00")},
    )  # fmt: skip
    client.force_login(world.owner)
    upload = _csv(
        "number,account_code,kind,priority,title,description,opened_at,resolved_at,resolution\n"
        "SR-A,110,complaint,urgent,Line down,,2026-06-01 09:00,2026-06-01 12:30,Rerouted\n"
        ",110,投诉,High (24 h),Slow answers,They waited,2026-06-02 10:00,2026-06-03 11:00,Called back\n"
        "OLD-7,110,Service request,,More seats,,2026-06-05 08:00,,\n"
    )
    response = client.post(reverse("service:requests_import"), {"file": upload}, follow=True)
    assert response.redirect_chain == [(reverse("service:request_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Opened or resolved 3 requests."]
    assert _requests() == [
        ("complaint", "urgent", "Line down", "Two hours", _at("2026-06-01 09:00"), _at("2026-06-01 13:00"),
         _at("2026-06-01 12:30"), "Rerouted"),
        ("complaint", "high", "Slow answers", "They waited", _at("2026-06-02 10:00"), _at("2026-06-03 10:00"),
         _at("2026-06-03 11:00"), "Called back"),
        ("request", "normal", "More seats", "", _at("2026-06-05 08:00"), _at("2026-06-08 08:00"), None, ""),
    ]  # fmt: skip
    slow = ServiceRequest.objects.get(title="Slow answers")
    assert slow.number.startswith("SR-20260602-")
    assert list(Feedback.objects.order_by("number").values_list("number", "kind")) == sorted(
        [("SR-A", "complaint"), (slow.number, "complaint")]
    )
    assert (
        ObjectChange.objects.filter(content_type__model="servicerequest").count() == 5
    )  # 3 opened, 2 resolved

    exported = client.get(reverse("service:requests_export", args=["csv"])).content
    before = _request_state()
    again = SimpleUploadedFile("service-requests.csv", exported, content_type="text/csv")
    response = client.post(reverse("service:requests_import"), {"file": again}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Opened or resolved 0 requests."]
    assert _request_state() == before


def test_a_bad_request_file_names_row_and_column_and_saves_nothing(client, world):
    services.request_open(
        account=world.account, actor=world.owner,
        data={"number": "SR-A", "kind": "complaint", "priority": "urgent", "title": "Line down",
              "opened_at": _at("2026-06-01 09:00")},
    )  # fmt: skip
    client.force_login(world.owner)
    before = _request_state()
    upload = _csv(
        "number,account_code,kind,priority,title,description,opened_at,resolved_at,resolution\n"
        ",110,complaint,urgent,Fine on its own,,2026-06-01 09:00,,\n"
        ",W1,request,normal,Not mine,,2026-06-01 09:00,,\n"
        ",110,grumble,normal,Bad kind,,2026-06-01 09:00,,\n"
        ",110,request,normal,Bare date,,2026-06-01,,\n"
        ",110,request,normal,Backwards,,2026-06-02 09:00,2026-06-01 09:00,Done\n"
        ",110,request,normal,No time,,2026-06-02 09:00,,Done\n"
        ",110,request,normal,,,2026-06-02 09:00,,\n"
        "SR-A,110,request,urgent,Line down,,,,\n"
        ",110,request,normal,Future,,2099-01-01 09:00,,\n"
        ",110,request,normal,No resolution,,2026-06-02 09:00,2026-06-02 10:00,\n"
    )
    response = client.post(
        reverse("service:requests_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    errors = [(e["row"], e["column"]) for e in response.context["transfer"]["errors"]]
    assert errors == [
        (3, "account_code"), (4, "kind"), (5, "opened_at"), (6, "resolved_at"), (7, "resolved_at"),
        (8, "title"), (9, "kind"), (10, "opened_at"), (11, "resolution"),
    ]  # fmt: skip
    assert response.context["transfer"]["errors"][-1]["message"] == "请说明处理结果。"
    assert _request_state() == before


def test_an_unreadable_file_says_so_on_its_page(client, world):
    client.force_login(world.owner)
    blank = SimpleUploadedFile("file.csv", b"\n\n", content_type="text/csv")
    response = client.post(reverse("service:requests_import"), {"file": blank})
    assert response.status_code == 400
    assert response.context["transfer"]["form"].errors == {"file": ["The file is empty."]}
    assert "The file is empty." in response.content.decode()
    blank = SimpleUploadedFile("file.csv", b"\n\n", content_type="text/csv")
    response = client.post(reverse("service:spend_import"), {"file": blank})
    assert response.status_code == 400
    assert "The file is empty." in response.content.decode()
    assert ServiceRequest.objects.count() == CategorySpend.objects.count() == 0


def test_an_auditor_imports_no_requests(client, world):
    client.force_login(world.auditor)
    upload = _csv("account_code,title,opened_at\n110,More seats,2026-06-01 09:00\n")
    response = client.post(reverse("service:requests_import"), {"file": upload})
    assert response.status_code == 400
    assert response.context["transfer"]["errors"] == [
        {"row": 2, "column": "account_code", "message": "No account 110 you may change."}
    ]
    assert ServiceRequest.objects.count() == Feedback.objects.count() == 0
    assert 'id="id_file_requests"' not in response.content.decode()  # an auditor is offered no import
