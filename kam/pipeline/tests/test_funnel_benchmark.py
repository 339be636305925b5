"""The company's own activity-funnel benchmark (M3.7): administrators set it, the diagnosis uses it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kam.accounts.tests.factories import InteractionFactory
from kam.audit.models import ObjectChange
from kam.pipeline import analytics, services
from kam.pipeline.models import FunnelBenchmarkStep


def _form(rows):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"}
    for index, (kind, number) in enumerate(rows):
        data[f"form-{index}-kind"], data[f"form-{index}-number"] = kind, str(number)
    return data


def test_the_method_s_numbers_until_an_administrator_sets_others(world):
    assert analytics.funnel_benchmark() == [
        ("phone", 250),
        ("visit", 125),
        ("technical_exchange", 25),
        ("proposal", 5),
        ("negotiation", 1),
    ]
    services.funnel_benchmark_set(
        actor=world.admin, steps=[("visit", 40), ("proposal", 8), ("negotiation", 2)]
    )
    assert analytics.funnel_benchmark() == [("visit", 40), ("proposal", 8), ("negotiation", 2)]
    assert ObjectChange.objects.filter(content_type__model="funnelbenchmarkstep").count() == 3
    services.funnel_benchmark_set(actor=world.admin, steps=[("visit", 40), ("negotiation", 2)])
    assert analytics.funnel_benchmark() == [("visit", 40), ("negotiation", 2)]
    assert ObjectChange.objects.filter(content_type__model="funnelbenchmarkstep").count() == 5  # moved, gone


def test_the_diagnosis_compares_with_the_company_s_benchmark(world):
    today = datetime.date(2026, 6, 1)
    for kind, n in [("visit", 10), ("proposal", 1)]:
        for _ in range(n):
            InteractionFactory(account=world.account, owner=world.owner, kind=kind, occurred_on=today)
    services.funnel_benchmark_set(actor=world.admin, steps=[("visit", 40), ("proposal", 8)])
    result = analytics.activity_funnel(
        user=world.owner, since=datetime.date(2026, 1, 1), until=datetime.date(2026, 12, 31)
    )
    assert [(s.step, s.count, s.benchmark) for s in result["steps"]] == [
        ("visit", 10, 40),
        ("proposal", 1, 8),
    ]
    assert str(result["leak"].performance) == "0.5000"  # 1/10 of visits against 8/40


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([("visit", 40)], "Give at least two steps: a ratio needs a step and the one before it."),
        ([("visit", 40), ("visit", 8)], "Each kind of contact can be one step only."),
        ([("visit", 40), ("proposal", 0)], "Each benchmark number must be 1 or more."),
    ],
)
def test_bad_benchmarks_are_refused_and_nothing_changes(world, steps, message):
    services.funnel_benchmark_set(actor=world.admin, steps=[("visit", 40), ("proposal", 8)])
    with pytest.raises(ValidationError) as refused:
        services.funnel_benchmark_set(actor=world.admin, steps=steps)
    assert refused.value.messages == [message]
    assert analytics.funnel_benchmark() == [("visit", 40), ("proposal", 8)]


def test_only_administrators_set_it(client, world):
    with pytest.raises(PermissionDenied):
        services.funnel_benchmark_set(actor=world.manager, steps=[("visit", 40), ("proposal", 8)])
    client.force_login(world.manager)
    page = client.get(reverse("pipeline:funnel_benchmark")).content.decode()
    assert "Administrators set the benchmark." in page and "<form" not in page.split('id="sidebar"')[-1]
    response = client.post(reverse("pipeline:funnel_benchmark"), _form([("visit", 40), ("proposal", 8)]))
    assert response.status_code == 403 and not FunnelBenchmarkStep.objects.exists()


def test_the_form_saves_and_names_a_half_filled_row(client, world):
    client.force_login(world.admin)
    url = reverse("pipeline:funnel_benchmark")
    response = client.post(url, _form([("phone", 100), ("visit", ""), ("", ""), ("proposal", 4)]))
    assert "Give both the kind and its number, or leave the row empty." in response.content.decode()
    assert not FunnelBenchmarkStep.objects.exists()
    response = client.post(url, _form([("phone", 100), ("", ""), ("proposal", 4)]))
    assert response.status_code == 302
    assert analytics.funnel_benchmark() == [("phone", 100), ("proposal", 4)]
    page = client.get(reverse("pipeline:funnel")).content.decode()
    assert "with the benchmark 100 : 4 (M3.7)" in page


def test_the_api_reads_and_replaces_it(client, world):
    url = reverse("api-funnel-benchmark")
    client.force_login(world.owner)
    assert client.get(url).json()[:2] == [{"kind": "phone", "number": 250}, {"kind": "visit", "number": 125}]
    steps = [{"kind": "visit", "number": 40}, {"kind": "proposal", "number": 8}]
    assert client.put(url, steps, content_type="application/json").status_code == 403
    client.force_login(world.admin)
    assert client.put(url, steps, content_type="application/json").json() == steps
    bad = client.put(url, [{"kind": "visit", "number": 0}], content_type="application/json")
    assert bad.status_code == 400 and analytics.funnel_benchmark() == [("visit", 40), ("proposal", 8)]
