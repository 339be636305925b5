"""SPIN plans (M4.5, M4.6): the library, plans per stakeholder and need, questions picked and answered, the
FAB and the value — written through audited services, read within restrict(), on the pages, the API and in
files."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kam.accounts import services as account_services
from kam.audit.models import ObjectChange
from kam.buyingcenter import selectors, services, spin_transfer
from kam.buyingcenter.models import SpinPlan, SpinQuestion, SpinStep
from kam.buyingcenter.spin_library import STANDARD_QUESTIONS
from kam.buyingcenter.tests.factories import make_m43, make_opportunity
from kam.competition.tests.html import text
from kam.imports.readers import read_table

FUEL = {
    "need": "油耗太大",
    "need_stage": 4,
    "feature": "百公里 7 升",
    "advantage": "比一般车省 2 升",
    "benefit": "十年省 6 万元",
    "value_volume": Decimal(5000),
    "value_volume_unit": "km",
    "value_per": Decimal(100),
    "value_baseline": Decimal(9),
    "value_improvement": Decimal(2),
    "value_quantity_unit": "L",
    "value_unit_price": Decimal(5),
    "value_horizon": 10,
}


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


@pytest.fixture
def people(world, opportunity):
    return make_m43(opportunity=opportunity, actor=world.owner)


@pytest.fixture
def library(db):
    """The standard questions (a test database is flushed of the migration's rows)."""
    if not SpinQuestion.objects.exists():
        for kind, text_, text_en, source in STANDARD_QUESTIONS:
            services.spin_question_create(
                actor=None, data={"kind": kind, "text": text_, "text_en": text_en, "source": source}
            )
    return {q.text: q for q in SpinQuestion.objects.all()}


@pytest.fixture
def plan(world, people, library):
    plan = services.spin_plan_create(actor=world.owner, stakeholder=people["王桑"], data=FUEL)
    for text_, answer in [
        ("你使用的情况，感觉怎么样？", "9 升/百公里"),
        ("因为这个问题，对你又会造成什么影响呢？", ""),
    ]:
        services.spin_step_add(actor=world.owner, plan=plan, question=library[text_], answer=answer)
    return plan


def _last_id():
    return ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _changes(since):
    return [
        (c.action, c.content_type.model, c.actor_repr)
        for c in ObjectChange.objects.filter(id__gt=since).select_related("content_type").order_by("id")
    ]


def _state():
    return (
        list(SpinQuestion.objects.order_by("id").values_list("id", "text", "version", "is_active")),
        list(
            SpinPlan.objects.order_by("id").values_list(
                "id", "need", "need_stage", "version", "value_horizon"
            )
        ),
        list(SpinStep.objects.order_by("id").values_list("id", "kind", "text", "answer", "version")),
        ObjectChange.objects.count(),
    )


def test_the_migration_loads_the_standard_scripts(library):
    assert [(q.kind, q.text, q.text_en, q.source) for q in SpinQuestion.objects.order_by("id")][:4] == [
        ("S", "你使用的情况，感觉怎么样？", "How is it going with what you use now?", "M4.6 slide 74"),
        (
            "P",
            "你感觉什么方面改善一下就更好呢？",
            "What would make it better if it were improved?",
            "M4.6 slide 74",
        ),
        (
            "I",
            "因为这个问题，对你又会造成什么影响呢？",
            "What does this problem cause for you?",
            "M4.6 slide 74",
        ),
        (
            "N",
            "假设解决这个问题，对你有什么好处呢？",
            "If it were solved, what would it do for you?",
            "M4.6 slide 74",
        ),
    ]
    assert SpinQuestion.objects.count() == len(STANDARD_QUESTIONS) == 9


def test_a_plan_with_questions_from_the_library_is_audited(world, people, library):
    start = _last_id()
    plan = services.spin_plan_create(actor=world.owner, stakeholder=people["王桑"], data=FUEL)
    step = services.spin_step_add(
        actor=world.owner, plan=plan, question=library["你使用的情况，感觉怎么样？"]
    )
    own = services.spin_step_add(actor=world.teammate, plan=plan, kind="P", text=" 油费多少？ ")
    services.spin_step_update(step=step, actor=world.owner, data={"answer": "9 升/百公里", "text": "改写"})
    step.refresh_from_db()
    assert (step.kind, step.text, step.text_en, step.answer, step.answered_on) == (
        "S",
        "你使用的情况，感觉怎么样？",
        "How is it going with what you use now?",
        "9 升/百公里",
        timezone.localdate(),
    )  # a library question keeps its words; the answer is dated
    assert (own.kind, own.text, own.question) == ("P", "油费多少？", None)
    assert _changes(start) == [
        ("create", "spinplan", "owner"),
        ("create", "spinstep", "owner"),
        ("create", "spinstep", "teammate"),
        ("update", "spinstep", "owner"),
    ]
    assert set(ObjectChange.objects.filter(id__gt=start).values_list("account_id", flat=True)) == {
        world.account.pk
    }


def test_the_value_fields_are_all_or_none_and_checked(world, people):
    before = _state()
    with pytest.raises(ValidationError) as partial:
        services.spin_plan_create(
            actor=world.owner, stakeholder=people["张华"], data={"need": "x", "value_volume": Decimal(10)}
        )
    assert partial.value.message_dict == {
        field: ["Needed to compute the value (or clear the other value fields)."]
        for field in ("value_improvement", "value_unit_price", "value_horizon")
    }
    with pytest.raises(ValidationError) as larger:
        services.spin_plan_create(
            actor=world.owner, stakeholder=people["张华"], data={**FUEL, "value_improvement": Decimal(10)}
        )
    assert larger.value.message_dict == {
        "value_improvement": ["The saving cannot be larger than what is used today."]
    }
    with pytest.raises(PermissionDenied):
        services.spin_plan_create(actor=world.auditor, stakeholder=people["张华"], data={"need": "x"})
    assert _state() == before


def test_removing_the_stakeholder_audits_their_plans(world, plan, people):
    services.phase_weights_set(
        opportunity=plan.stakeholder.opportunity,
        phase="selection",
        actor=world.owner,
        weights={people["张华"].pk: 70, people["李建"].pk: 30},
    )
    start = _last_id()
    services.stakeholder_remove(stakeholder=people["王桑"], actor=world.owner)
    kinds = [model for _a, model, _actor in _changes(start)]
    assert (kinds.count("spinplan"), kinds.count("spinstep"), SpinPlan.objects.count()) == (1, 2, 0)
    plan_two = services.spin_plan_create(actor=world.owner, stakeholder=people["张华"], data={"need": "速度"})
    start = _last_id()
    account_services.contact_delete(contact=people["张华"].contact, actor=world.owner)
    assert ("delete", "spinplan", "system") in _changes(start) and not SpinPlan.objects.filter(
        pk=plan_two.pk
    ).exists()


def test_deleting_a_plan_audits_its_questions(world, plan):
    start = _last_id()
    services.spin_plan_delete(plan=plan, actor=world.owner)
    assert _changes(start) == [
        ("delete", "spinstep", "owner"),
        ("delete", "spinstep", "owner"),
        ("delete", "spinplan", "owner"),
    ]


def test_the_library_is_kept_by_managers_and_an_asked_question_stays(world, plan, library):
    asked = library["你使用的情况，感觉怎么样？"]
    before = _state()
    with pytest.raises(PermissionDenied):
        services.spin_question_create(actor=world.owner, data={"kind": "S", "text": "x"})
    with pytest.raises(ValidationError) as kept:
        services.spin_question_delete(question=asked, actor=world.manager)
    assert kept.value.messages == [
        "1 plans asked this question, so it stays in the library. Stop offering it instead."
    ]
    with pytest.raises(ValidationError) as kind:
        services.spin_question_update(question=asked, actor=world.admin, data={"kind": "P"})
    assert kind.value.message_dict == {
        "kind": ["Plans have asked this question as its kind; add a new question instead."]
    }
    assert _state() == before
    services.spin_question_update(question=asked, actor=world.manager, data={"is_active": False})
    with pytest.raises(ValidationError) as retired:
        services.spin_step_add(actor=world.owner, plan=plan, question=asked)
    assert retired.value.message_dict == {"question": ["This question is no longer offered."]}


def test_who_sees_and_changes_plans(client, world, plan):
    step = plan.steps.first()
    for name, view, change in [
        ("outsider", 404, 404),
        ("owner", 200, 200),
        ("teammate", 200, 200),
        ("east_manager", 200, 200),
        ("manager", 200, 200),
        ("auditor", 200, 404),
        ("admin", 200, 200),
    ]:
        client.force_login(getattr(world, name))
        assert client.get(plan.get_absolute_url()).status_code == view, name
        assert client.get(reverse("buyingcenter:spin_plan_edit", args=[plan.pk])).status_code == change, name
        assert client.get(reverse("buyingcenter:spin_step_edit", args=[step.pk])).status_code == change, name
        assert client.get(reverse("buyingcenter:spin_library")).status_code == 200
        keeper = name in {"manager", "east_manager", "admin"}
        assert client.get(reverse("buyingcenter:spin_question_create")).status_code == (
            200 if keeper else 403
        ), name


def test_the_plan_page_shows_questions_fab_and_value(client, world, plan):
    client.force_login(world.owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert text(page, "need-kind") == "Explicit need"
    assert text(page, "spin-column-S").startswith(
        "S Situation Ask about the current state. How is it going with what you use now? 9 升/百公里"
    )
    assert "No answer yet." in text(page, "spin-column-I")
    assert text(page, "value-monthly") == "500 yuan" and text(page, "value-total") == "60,000 yuan"
    assert text(page, "value-statement") == (
        "Today 9 L per 100 km over 5,000 km a month uses 450 L (2,250 yuan) a month. Saving 2 L per 100 km "
        "(22.2 %) saves 100 L a month: at 5 yuan per L that is 500 yuan a month, 6,000 yuan a year and "
        "60,000 yuan over 10 years."
    )


def test_adding_a_question_on_the_page(client, world, plan, library):
    client.force_login(world.owner)
    url = reverse("buyingcenter:spin_step_add", args=[plan.pk])
    before = _state()
    refused = client.post(
        url, {"add-N-kind": "N", "add-N-question": "", "add-N-text": "", "add-N-answer": ""}
    )
    assert refused.status_code == 400
    assert "Pick a question from the library or write one." in text(refused.content.decode(), "add-N")
    assert _state() == before
    fuel = library["一年时间能够省油，对你有什么好处？"]
    added = client.post(url, {"add-N-kind": "N", "add-N-question": fuel.pk, "add-N-answer": "省钱"})
    assert added.headers["Location"] == plan.get_absolute_url() + "#spin-N"
    assert list(plan.steps.filter(kind="N").values_list("text", "answer", "answered_on")) == [
        ("一年时间能够省油，对你有什么好处？", "省钱", timezone.localdate())
    ]


def test_the_panels_and_their_query_counts(client, world, opportunity, people, library):
    client.force_login(world.owner)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "No SPIN plan yet." in text(page, "spin-empty")

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def account_panel():
        """The account page's panel alone: the page's change-history tab names the stakeholders its entries
        mention, one query each, so the whole page grows with the audit log rather than with the plans."""
        with CaptureQueriesContext(connection) as captured:
            html = render_to_string(
                "buyingcenter/partials/_spin_account_panel.html",
                {"panel": selectors.spin_account_panel(world.owner, world.account)},
            )
        return len(captured), html

    services.spin_plan_create(actor=world.owner, stakeholder=people["李建"], data={"need": "流程顺利"})
    few = count(opportunity.get_absolute_url()), account_panel()[0]
    for name in ("张华", "王桑", "李阳"):
        for index in range(3):
            plan = services.spin_plan_create(
                actor=world.owner, stakeholder=people[name], data={**FUEL, "need": f"{name} {index}"}
            )
            services.spin_step_add(
                actor=world.owner, plan=plan, question=library["你使用的情况，感觉怎么样？"], answer="a"
            )
    queries, html = account_panel()
    assert (count(opportunity.get_absolute_url()), queries) == few == (few[0], 2)
    assert text(html, "account-needs").count("6,000 yuan") == 9


def test_the_value_calculator_page(client, world):
    client.force_login(world.auditor)
    url = reverse("buyingcenter:value_calculator")
    page = client.get(
        url,
        {
            "volume": "5000",
            "volume_unit": "km",
            "per": "100",
            "baseline": "9",
            "improvement": "2",
            "quantity_unit": "L",
            "unit_price": "5",
            "currency": "CNY",
            "horizon": "10",
        },
    ).content.decode()
    assert (text(page, "value-monthly"), text(page, "value-yearly"), text(page, "value-total")) == (
        "500 yuan",
        "6,000 yuan",
        "60,000 yuan",
    )
    assert text(page, "value-statement").endswith(
        "500 yuan a month, 6,000 yuan a year and 60,000 yuan over 10 years."
    )
    wrong = client.get(
        url,
        {
            "volume": "5000",
            "per": "100",
            "baseline": "1",
            "improvement": "2",
            "unit_price": "5",
            "currency": "CNY",
            "horizon": "10",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert (
        text(wrong, "value-errors")
        == "Correct these fields: Saving: The saving cannot be larger than what is used today."
    )


def test_spin_over_the_api(world, people, library):
    api = APIClient()
    api.force_authenticate(world.teammate)
    created = api.post("/api/spin-plans/", {"stakeholder": people["王桑"].pk, **FUEL}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["need_kind"], body["value"]["monthly"], body["value"]["yearly"], body["value"]["total"]) == (
        "explicit",
        "500.00",
        "6000.00",
        "60000.00",
    )
    assert body["statement"].startswith("Today 9 L per 100 km over 5,000 km a month")
    step = api.post(
        "/api/spin-steps/",
        {"plan": body["id"], "question": library["因为这个问题，对你又会造成什么影响呢？"].pk},
        format="json",
    )
    assert (step.status_code, step.json()["kind"], step.json()["text_en"]) == (
        201,
        "I",
        "What does this problem cause for you?",
    )
    answered = api.patch(
        f"/api/spin-steps/{step.json()['id']}/", {"answer": "预算紧", "version": 1}, format="json"
    )
    assert (answered.json()["answer"], answered.json()["answered_on"]) == (
        "预算紧",
        timezone.localdate().isoformat(),
    )
    before = _state()
    outsider = APIClient()
    outsider.force_authenticate(world.outsider)
    assert outsider.get(f"/api/spin-plans/{body['id']}/").status_code == 404
    assert (
        outsider.post(
            "/api/spin-steps/", {"plan": body["id"], "text": "x", "kind": "S"}, format="json"
        ).status_code
        == 400
    )
    assert api.post("/api/spin-questions/", {"kind": "S", "text": "x"}, format="json").status_code == 403
    value = api.post(
        "/api/value-calculator/",
        {
            "volume": "5000",
            "per": "100",
            "improvement": "2",
            "unit_price": "5",
            "horizon": 10,
            "quantity_unit": "L",
            "volume_unit": "km",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (value.json()["monthly"], value.json()["total"]) == ("500.00", "60000.00")
    assert value.json()["statement"] == (
        "Over 5,000 km a month, saving 2 L per 100 km saves 100 L a month: at 5 yuan per L that is 500 "
        "yuan a month, 6,000 yuan a year and 60,000 yuan over 10 years."
    )
    refused = api.post(
        "/api/value-calculator/",
        {"volume": "1", "improvement": "2", "unit_price": "5", "horizon": 0},
        format="json",
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"horizon": ["Ensure this value is greater than or equal to 1."]},
    )
    assert _state() == before


def test_spin_plans_round_trip_through_a_file(world, plan, people):
    rows = list(spin_transfer.plan_rows(plan.stakeholder.opportunity))
    assert rows[0] == spin_transfer.COLUMNS
    assert [(r[1], r[2], r[-5], r[-2]) for r in rows[1:]] == [
        ("王桑", "油耗太大", "S", "9 升/百公里"),
        ("王桑", "油耗太大", "I", ""),
    ]
    before = _state()
    csv = "\n".join(",".join("" if c is None else str(c) for c in row) for row in rows)
    result = spin_transfer.import_plans(
        opportunity=plan.stakeholder.opportunity, actor=world.owner, table=read_table(csv.encode())
    )
    assert (result.errors, result.added, result.updated) == ([], 0, 1)
    assert _state()[:3] == before[:3]


def test_a_spin_file_adds_plans_answers_and_refuses_bad_rows(world, plan, people):
    opportunity = plan.stakeholder.opportunity
    before = _state()
    bad = (
        "person,need,need_stage,kind,question,answer,answered_on\n"
        "王桑,油耗太大,4,S,你使用的情况，感觉怎么样？,每月 5000 公里,2026-13-01\n"
        "无名,新需求,9,X,,,\n"
    )
    result = spin_transfer.import_plans(
        opportunity=opportunity, actor=world.owner, table=read_table(bad.encode())
    )
    assert result.errors == [
        {"row": 2, "column": "answered_on", "message": "“2026-13-01” is not a date; write it as 2024-01-31."},
        {"row": 3, "column": "person", "message": "无名 is not in this buying center; add them first."},
    ]
    assert _state() == before
    good = (
        "person,need,need_stage,kind,question,answer\n"
        "王桑,油耗太大,4,S,你使用的情况，感觉怎么样？,每月 5000 公里\n"
        "张华,服务太慢,2,P,与他们合作过程中，感觉有哪些问题？,响应慢\n"
    )
    result = spin_transfer.import_plans(
        opportunity=opportunity, actor=world.owner, table=read_table(good.encode())
    )
    assert (result.errors, result.added, result.updated) == ([], 1, 1)
    assert sorted(
        (need, kind, answer, question is not None)
        for need, kind, answer, question in SpinStep.objects.values_list(
            "plan__need", "kind", "answer", "question"
        )
    ) == [
        ("服务太慢", "P", "响应慢", True),
        ("油耗太大", "S", "每月 5000 公里", True),
    ]  # the I question not in the file was removed; library words were linked
    assert SpinPlan.objects.get(need="服务太慢").need_stage == 2


def test_spin_demo(db):
    from kam.accounts.demo import load_demo
    from kam.buyingcenter.demo import load_buying_center_demo
    from kam.buyingcenter.selectors import spin_plans_of
    from kam.buyingcenter.spin_demo import load_spin_demo
    from kam.pipeline.demo import load_pipeline_demo
    from kam.pipeline.models import Opportunity

    load_demo()
    load_pipeline_demo()
    load_buying_center_demo()
    assert load_spin_demo() == 1
    assert load_spin_demo() == 0
    [view] = spin_plans_of(opportunity=Opportunity.objects.get(number="0203"))
    assert (view.plan.stakeholder.contact.name, view.need_kind, view.counts, view.answered) == (
        "王桑",
        "explicit",
        "S 1 · P 1 · I 1 · N 1",
        4,
    )
    assert (view.value.monthly, view.value.yearly, view.value.total) == (
        Decimal("500.00"),
        Decimal("6000.00"),
        Decimal("60000.00"),
    )
    assert view.statement.endswith("500 yuan a month, 6,000 yuan a year and 60,000 yuan over 10 years.")
    assert re.match(r"^Today 9 L per 100 km", view.statement) and datetime.date.today()
