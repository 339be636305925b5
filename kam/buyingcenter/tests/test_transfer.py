"""Export and import of a buying center (CSV / XLSX): round trip, errors by row and column, all or nothing."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kam.accounts.tests.factories import ContactFactory
from kam.audit.models import ObjectChange
from kam.buyingcenter import services
from kam.buyingcenter.models import AttitudeReport, InfluenceWeight, Stakeholder
from kam.buyingcenter.tests.factories import make_m43, make_opportunity

HEADER = (
    "contact_id,person,department,roles,procurement_steps,project_role,attitude,relationship_type,"
    "relationship_level,concerns,is_coach,is_informant,next_action,next_action_due,weight_discover,"
    "weight_establish,weight_selection,weight_evaluation,weight_contract"
)


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


def _state():
    return (
        list(Stakeholder.objects.order_by("id").values_list("id", "attitude", "version", "roles")),
        list(AttitudeReport.objects.order_by("id").values_list("id", "attitude")),
        list(InfluenceWeight.objects.order_by("id").values_list("id", "phase", "percent")),
        ObjectChange.objects.count(),
    )


def _upload(client, opportunity, text: str, name="people.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return client.post(reverse("buyingcenter:import", args=[opportunity.pk]), {"file": upload})


def test_export_csv_and_xlsx(client, world, opportunity):
    people = make_m43(opportunity=opportunity, actor=world.owner)
    services.pair_create(
        actor=world.owner,
        account=world.account,
        data={"our_person": world.owner, "their_person": people["张华"].contact, "level": "technical"},
    )
    client.force_login(world.teammate)
    response = client.get(reverse("buyingcenter:export", args=[opportunity.pk, "csv"]))
    assert response["Content-Disposition"] == f'attachment; filename="buying-center-{opportunity.number}.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    ids = {name: s.contact_id for name, s in people.items()}
    assert lines == [
        HEADER,
        f"{ids['张华']},张华,技术部 Technical,technical,,决定技术选型,C,,,,FALSE,FALSE,,,,,60,,",
        f"{ids['李建']},李建,采购部 Purchasing,coach,,筛选信息，挑选合适的厂家,B,,,,FALSE,FALSE,,,,,30,,",
        f"{ids['李阳']},李阳,总经理室 GM office,economic,,最终决策者,,,,,FALSE,FALSE,,,,,0,,",
        f"{ids['王桑']},王桑,财务部 Finance,financial;influencer,,影响,E,,,,FALSE,FALSE,,,,,10,,",
    ]
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("buyingcenter:export", args=[opportunity.pk, "xlsx"])).getvalue())
    )
    assert workbook.sheetnames == ["Stakeholders", "Counterpart pairs"]
    assert [list(r) for r in workbook["Counterpart pairs"].iter_rows(values_only=True)] == [
        ["our_person", "their_contact_id", "their_person", "level", "note"],
        ["owner", ids["张华"], "张华", "technical", None],
    ]
    client.force_login(world.outsider)
    assert client.get(reverse("buyingcenter:export", args=[opportunity.pk, "csv"])).status_code == 404


def test_import_builds_m43_from_names_and_chinese_labels(client, world, opportunity):
    gm = ContactFactory(account=world.account, name="李阳")
    for name in ("张华", "李建", "王桑"):
        ContactFactory(account=world.account, name=name, reports_to=gm)
    client.force_login(world.owner)
    text = "\n".join(
        [
            "person,roles,procurement_steps,attitude,relationship_level,is_coach,weight_selection",
            "张华,技术买家,4；5,C,寒暄,否,60",
            "李建,coach,5,B,3,是,30",
            "王桑,Financial buyer;影响力买家,,E,,,10%",
            "李阳,economic,,,,,0",
        ]
    )
    with_chinese = _upload(client, opportunity, text)
    assert with_chinese.status_code == 302, with_chinese.content.decode()[-3000:]
    got = {
        s.contact.name: (s.roles, s.procurement_steps, s.attitude, s.relationship_level, s.is_coach)
        for s in Stakeholder.objects.select_related("contact")
    }
    assert got == {
        "张华": (["technical"], [4, 5], "C", 1, False),
        "李建": (["coach"], [5], "B", 3, True),
        "王桑": (["financial", "influencer"], [], "E", None, False),
        "李阳": (["economic"], [], "", None, False),
    }
    weights = {
        w.stakeholder.contact.name: w.percent
        for w in InfluenceWeight.objects.select_related("stakeholder__contact")
    }
    assert weights == {"张华": 60, "李建": 30, "王桑": 10, "李阳": 0}

    # again, with a changed attitude: appended to the history; a blank attitude keeps what is known
    again = _upload(client, opportunity, "person,attitude\n张华,B\n李建,\n")
    assert again.status_code == 302
    zhang = Stakeholder.objects.get(contact__name="张华")
    assert [r.attitude for r in zhang.attitude_history.all()] == ["C", "B"]
    assert Stakeholder.objects.get(contact__name="李建").attitude == "B"
    assert InfluenceWeight.objects.count() == 4  # no weight column: weights untouched


def test_import_errors_name_row_and_column_and_save_nothing(client, world, opportunity):
    make_m43(opportunity=opportunity, actor=world.owner)
    client.force_login(world.owner)
    before = _state()
    bad = "\n".join(
        [
            "person,roles,attitude,next_action_due,weight_selection",
            "张华,boss,Z,31/02/2026,60",
            "Nobody,,,,40",
            "李建,,B,,101",
        ]
    )
    page = _upload(client, opportunity, bad).content.decode()
    import re

    cells = re.findall(r"<tr><td>([^<]*)</td><td><code>([^<]*)</code></td><td>([^<]*)</td></tr>", page)
    assert cells == [
        ("2", "roles", "“boss” is not one of the choices."),
        ("2", "attitude", "Write the attitude as A … E with an optional + or −, e.g. B+."),
        ("2", "next_action_due", "“31/02/2026” is not a date; write it as 2024-01-31."),
        ("3", "person", "No contact called Nobody at this account."),
        ("4", "weight_selection", "A weight is a whole percent from 0 to 100."),
    ]
    short = _upload(
        client, opportunity, "person,attitude,weight_selection\n张华,A,60\n李建,B,30\n"
    ).content.decode()
    assert re.findall(r"<tr><td>([^<]*)</td><td><code>([^<]*)</code></td><td>([^<]*)</td></tr>", short) == [
        (
            "—",
            "weight_selection",
            "The weights of Initial product selection (step 5) total 90 %; they must total 100 %.",
        )
    ]
    assert _state() == before
    client.force_login(world.auditor)
    assert _upload(client, opportunity, "person,attitude\n张华,A\n").status_code == 404
    assert _state() == before
