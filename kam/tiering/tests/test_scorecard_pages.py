"""The tiering pages and API: empty states, scope, recompute from the UI, the model form, the tier on
the account list, its filter, the account API and the export."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.accounts.models import Account
from kam.accounts.tests.factories import AccountFactory
from kam.imports.services import export_rows, import_file
from kam.imports.writers import csv_lines
from kam.tiering import scorecard, services
from kam.tiering.models import RunStatus, TierChange, TieringModel, TieringRun
from kam.tiering.tests.factories import TransactionFactory

PAGES = ["overview", "pareto", "pyramid", "results", "matrix", "runs", "models"]


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def tiered(world):
    """Both accounts sold this year; a run with cut-offs that make SPD Platinum and West Gold."""
    today = datetime.date.today()
    TransactionFactory(
        account=world.account, ordered_on=today, amount=Decimal("9000.00"), margin=Decimal("3000")
    )
    for _ in range(2):  # West buys more often, in smaller orders
        TransactionFactory(
            account=world.other_account, ordered_on=today, amount=Decimal("500"), margin=Decimal("25")
        )
    config = {**copy.deepcopy(scorecard.DEFAULT_CONFIG), "tier_cutoffs": [34, 67, 100]}
    services.tiering_model_create(actor=world.admin, data={"name": "Test model", "config": config})
    services.tiering_recompute(actor=world.admin)
    return world


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_an_empty_state(client, world, page):
    client.force_login(world.owner)
    content = html(client.get(reverse(f"tiering:{page}")))
    if page not in ("runs", "models"):
        assert 'data-testid="no-run"' in content
        assert "An administrator computes the tiers" in content
    assert 'data-testid="recompute"' not in content


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_run_to_admins_and_members(client, tiered, page):
    for who in ("admin", "owner", "auditor"):
        client.force_login(getattr(tiered, who))
        content = html(client.get(reverse(f"tiering:{page}")))
        assert 'data-testid="no-run"' not in content
        assert ('data-testid="recompute"' in content) == (who == "admin")


def test_members_see_only_their_accounts_in_results_and_charts(client, tiered):
    client.force_login(tiered.owner)
    results = html(client.get(reverse("tiering:results")))
    assert "SPD Bank" in results and "West Corp" not in results
    assert "Counts and charts cover the accounts you can see." in results
    pareto = html(client.get(reverse("tiering:pareto")))
    # one account: the straight-line curve runs from (0, 0) to (100, 100), so its top fifth brings a fifth
    assert 'data-testid="top-share">20.0 %' in pareto and "CNY 9,000.00" in pareto
    client.force_login(tiered.admin)
    assert "West Corp" in html(client.get(reverse("tiering:results") + "?tier=gold"))
    assert "SPD Bank" not in html(client.get(reverse("tiering:results") + "?tier=gold"))


def test_the_account_scorecard_explains_the_tier(client, tiered):
    client.force_login(tiered.owner)
    page = html(client.get(reverse("tiering:account_scorecard", args=[tiered.account.pk])))
    assert 'data-tier="platinum"' in page and 'data-testid="explanation"' in page
    assert "Policy for this tier" in page and "mistake 4" in page
    detail = html(client.get(reverse("accounts:detail", args=[tiered.account.pk])))
    assert (
        'data-testid="panel-tier"><span class="badge text-bg-dark" data-tier="platinum">Platinum</span>'
        in detail
    )
    assert client.get(reverse("tiering:account_scorecard", args=[tiered.other_account.pk])).status_code == 404


def test_recompute_from_the_page(client, world, django_capture_on_commit_callbacks):
    TransactionFactory(account=world.account, ordered_on=datetime.date.today(), amount=Decimal("100"))
    client.force_login(world.owner)
    assert client.post(reverse("tiering:run_create")).status_code == 403
    assert not TieringRun.objects.exists()
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued once the run is saved
        response = client.post(reverse("tiering:run_create"), {"as_of": ""})
    run = TieringRun.objects.get()
    assert response.url == reverse("tiering:run", args=[run.pk])
    assert run.status == RunStatus.DONE and run.created_by == world.admin
    page = html(client.get(response.url))
    assert 'data-status="done"' in page and 'data-testid="changes-table"' in page
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    refused = client.post(reverse("tiering:run_create"), {"as_of": future})
    assert refused.status_code == 400 and "in the future" in refused.content.decode()
    assert TieringRun.objects.count() == 1


def test_the_model_form_names_the_field_and_saves_nothing_when_wrong(client, world):
    client.force_login(world.admin)
    form = html(client.get(reverse("tiering:model_create")))
    assert 'name="w_revenue"' in form and 'name="p_financial_weight"' in form
    data = {
        "name": "Volume only", "description": "", "period_months": 12, "value_measure": "revenue",
        "pyramid_rule": "top", "pyramid_vip": 1, "pyramid_large": 5, "pyramid_medium": 20,
        "normalisation": "percentile", "winsor_pct": 5, "tier_rule": "top", "tier_platinum": 5,
        "tier_gold": 20, "tier_silver": 50, "policy_platinum": "", "policy_gold": "", "policy_silver": "",
        "p_financial_weight": 100, "p_financial_value": "current", "p_service_weight": 0,
        "p_service_value": "current", "p_customer_weight": 0, "p_customer_value": "potential",
        "p_sales_weight": 0, "p_sales_value": "current",
    }  # fmt: skip
    data.update({f"w_{key}": 0 for key in scorecard.INDICATORS})
    data["w_revenue"] = 90
    refused = client.post(reverse("tiering:model_create"), data)
    assert refused.status_code == 200
    assert "Financial: the indicator weights add up to 90 %, not 100 %." in refused.content.decode()
    assert not TieringModel.objects.exists()
    data["w_revenue"] = 100
    assert client.post(reverse("tiering:model_create"), data).status_code == 302
    model = TieringModel.objects.get()
    assert model.config["perspectives"]["financial"]["indicators"] == {"revenue": 100}
    listing = html(client.get(reverse("tiering:models")))
    assert "Single-indicator risk" in listing and "Volume without margin" in listing


def test_tier_column_filter_and_constant_queries_on_the_account_list(client, tiered):
    client.force_login(tiered.admin)
    url = reverse("accounts:list")
    page = html(client.get(url))
    assert 'data-tier="platinum"' in page and 'data-tier="gold"' in page
    only_gold = html(client.get(url + "?tier=gold"))
    assert "West Corp" in only_gold and "SPD Bank" not in only_gold
    untiered = html(client.get(url + "?tier=none"))
    assert "West Corp" not in untiered and "SPD Bank" not in untiered

    def count():
        with CaptureQueriesContext(connection) as queries:
            html(client.get(url))
        return len(queries)

    before = count()
    for index in range(5):
        AccountFactory(name=f"More {index}", owner=tiered.owner, tier="silver")
    assert count() == before


def test_the_account_api_and_export_carry_the_tier(client, tiered):
    client.force_login(tiered.owner)
    rows = client.get("/api/accounts/?tier=platinum").json()["results"]
    assert [(row["name"], row["tier"]) for row in rows] == [("SPD Bank", "platinum")]
    lines = "".join(csv_lines(export_rows(kind="accounts", user=tiered.owner))).splitlines()
    assert lines[0].endswith(",tier") and lines[1].endswith(",Platinum")
    job = import_file(kind="accounts", actor=tiered.owner, data="\n".join(lines).encode(), file_name="a.csv")
    assert (job.status, job.unchanged_count) == ("done", 1)
    assert Account.objects.get(pk=tiered.account.pk).tier == "platinum"


def test_the_tiering_api(client, tiered, django_capture_on_commit_callbacks):
    client.force_login(tiered.owner)
    results = client.get("/api/tier-results/").json()["results"]
    assert [(r["account"], r["tier"]) for r in results] == [(tiered.account.pk, "platinum")]
    assert {i["indicator"] for i in results[0]["indicators"]} >= {"revenue", "profit"}
    runs = client.get("/api/tiering-runs/").json()["results"]
    assert runs[0]["summary"] is None  # company-wide figures: admins and auditors only
    assert client.post("/api/tiering-runs/", {}).status_code == 403
    changes = client.get("/api/tier-changes/?direction=up").json()["results"]
    assert [c["account"] for c in changes] == [tiered.account.pk]
    assert client.get("/api/tiering-models/").status_code == 200
    client.force_login(tiered.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/tiering-runs/", {}, content_type="application/json")
    assert response.status_code == 202 and response.json()["status"] == "queued"  # the worker picks it up
    run = TieringRun.objects.get(pk=response.json()["id"])
    assert run.status == RunStatus.DONE and run.summary["changes"]["total"] == 0
    assert TierChange.objects.count() == 2
