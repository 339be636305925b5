"""The planning pages: who sees and changes what, the in-place cell edit, the plan's versions, its PDF (with
the account's name and the Chinese text) and XLSX, the account panel, the industry and base pages."""

import datetime
import io
import re
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kam.audit.models import ObjectChange
from kam.planning import services
from kam.planning.models import AccountPlan, Measure, Score
from kam.planning.tests.factories import make_imsc, make_plan

PERSONAS = ["outsider", "owner", "teammate", "east_manager", "manager", "auditor", "admin"]


@pytest.fixture
def imsc(world):
    return make_imsc(actor=world.manager, industry=world.industry)


@pytest.fixture
def plan(world):
    return make_plan(account=world.account, actor=world.owner, review_date=datetime.date(2026, 6, 30))


def _state():
    return (
        list(Score.objects.order_by("id").values_list("id", "value")),
        list(AccountPlan.objects.order_by("id").values_list("id", "status", "business", "version")),
        list(Measure.objects.order_by("id").values_list("id", "title", "version")),
        ObjectChange.objects.count(),
    )


def test_everyone_reads_the_matrix_and_only_keepers_edit_it(client, world, imsc):
    rows, criteria = imsc
    cell = reverse("planning:matrix_cell", args=[rows["telecom"].pk, criteria[0].pk])
    for name in PERSONAS:
        client.force_login(getattr(world, name))
        page = client.get(reverse("planning:matrix"))
        assert page.status_code == 200, name
        assert (f'id="cell-{rows["telecom"].pk}-{criteria[0].pk}"' in page.content.decode()) == (
            name in {"east_manager", "manager", "admin"}
        ), name
    before = _state()
    for name in ("owner", "auditor", "outsider"):
        client.force_login(getattr(world, name))
        assert client.post(cell, {"value": "1"}, HTTP_HX_REQUEST="true").status_code == 403, name
        assert client.get(reverse("planning:rule")).status_code == 403, name
    assert _state() == before


def test_a_cell_edited_in_place_answers_the_table_with_total_star_and_class(client, world, imsc):
    rows, criteria = imsc
    client.force_login(world.manager)
    healthcare = rows["healthcare"]
    for criterion in (criteria[0], criteria[6]):
        response = client.post(
            reverse("planning:matrix_cell", args=[healthcare.pk, criterion.pk]),
            {"value": "9"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
    response = client.post(
        reverse("planning:matrix_cell", args=[healthcare.pk, criteria[7].pk]),
        {"value": "9"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="matrix-table"' in html
    row = html.split('data-industry="healthcare"')[1].split("</tr>")[0]
    assert 'data-testid="total">38 <span class="planning-star"' in row
    assert 'data-class="key"' in row
    assert 'data-testid="average">31.3<' in html
    assert "HX-Request" in response["Vary"]


def test_a_bad_cell_is_refused_with_the_reason_and_nothing_saved(client, world, imsc):
    rows, criteria = imsc
    client.force_login(world.manager)
    before = _state()
    url = reverse("planning:matrix_cell", args=[rows["telecom"].pk, criteria[0].pk])
    html = client.post(url, {"value": "12"}, HTTP_HX_REQUEST="true").content.decode()
    assert (
        'data-testid="cell-error"><b>Telecom · Market size</b>: A score on “Market size” '
        "runs from 0 to 9.</div>"
    ) in html
    html = client.post(url, {"value": "-1"}, HTTP_HX_REQUEST="true").content.decode()
    assert (
        'data-testid="cell-error"><b>Telecom · Market size</b>: '
        "Ensure this value is greater than or equal to 0.</div>"
    ) in html
    invalid = re.findall(r'class="form-control form-control-sm mx-auto is-invalid" id="([^"]+)"', html)
    assert invalid == [f"cell-{rows['telecom'].pk}-{criteria[0].pk}"]
    page = client.post(url, {"value": "12"}, follow=True)
    assert [str(m) for m in page.context["messages"]] == [
        "Telecom · Market size: A score on “Market size” runs from 0 to 9."
    ]
    assert _state() == before


def test_the_matrix_page_shows_the_printed_total_mismatch_and_average(client, world, imsc):
    client.force_login(world.owner)
    html = client.get(reverse("planning:matrix")).content.decode()
    assert "Telecom: the total as printed is 46, but its scores add up to 44." in html
    assert 'data-testid="average">28.9<' in html


def test_an_override_needs_a_reason(client, world, imsc):
    rows, _criteria = imsc
    client.force_login(world.manager)
    url = reverse("planning:row_edit", args=[rows["energy"].pk])
    before = _state()
    refused = client.post(
        url, {"override_class": "watch", "override_reason": "", "version": rows["energy"].version}
    )
    assert (
        refused.status_code == 200
        and "Say why you decide otherwise than the score." in refused.content.decode()
    )
    assert _state() == before
    saved = client.post(
        url, {"override_class": "watch", "override_reason": "先观察", "version": rows["energy"].version}
    )
    assert saved.status_code == 302
    rows["energy"].refresh_from_db()
    assert (rows["energy"].override_class, rows["energy"].override_reason) == ("watch", "先观察")


def test_who_sees_and_changes_a_plan(client, world, plan):
    viewers = {"owner", "teammate", "east_manager", "manager", "auditor", "admin"}
    changers = viewers - {"auditor"}
    for name in PERSONAS:
        client.force_login(getattr(world, name))
        assert client.get(reverse("planning:plan", args=[plan.pk])).status_code == (
            200 if name in viewers else 404
        )
        assert client.get(reverse("planning:plan_edit", args=[plan.pk])).status_code == (
            200 if name in changers else 404
        ), name
        assert client.get(reverse("planning:plan_pdf", args=[plan.pk])).status_code == (
            200 if name in viewers else 404
        ), name
    listed = client.get(reverse("planning:plan_list")).content.decode()
    assert "SPD Bank" in listed
    client.force_login(world.outsider)
    assert "SPD Bank" not in client.get(reverse("planning:plan_list")).content.decode()
    before = _state()
    for name in ("outsider", "auditor"):
        client.force_login(getattr(world, name))
        assert client.post(reverse("planning:plan_new_version", args=[plan.pk])).status_code == 404
        assert (
            client.post(reverse("planning:measure_create", args=[plan.pk]), {"title": "x"}).status_code == 404
        )
    assert _state() == before


def test_a_plan_is_started_edited_and_versioned_on_its_pages(client, world):
    client.force_login(world.owner)
    assert client.get(reverse("planning:account", args=[world.account.pk])).url == reverse(
        "planning:plan_create", args=[world.account.pk]
    )
    created = client.post(
        reverse("planning:plan_create", args=[world.account.pk]),
        {
            "owner": world.owner.pk,
            "status": "draft",
            "business": "全国性股份制银行",
            "latent_needs": "线路可靠",
        },
    )
    plan = AccountPlan.objects.get()
    assert created.url == plan.get_absolute_url()
    added = client.post(
        reverse("planning:measure_create", args=[plan.pk]),
        {
            "title": "视频会议",
            "horizon": "now",
            "profitability": 4,
            "competitive_situation": 4,
            "feasibility": 5,
            "position": 1,
        },
    )
    assert added.status_code == 302
    stale = client.post(
        reverse("planning:plan_edit", args=[plan.pk]),
        {"owner": world.owner.pk, "status": "approved", "business": "x", "version": plan.version - 1},
    )
    assert stale.status_code == 200 and "Someone else saved this record" in stale.content.decode()
    client.post(
        reverse("planning:plan_edit", args=[plan.pk]),
        {
            "owner": world.owner.pk,
            "status": "approved",
            "business": "全国性股份制银行",
            "version": plan.version,
        },
    )
    second = client.post(reverse("planning:plan_new_version", args=[plan.pk]))
    new = AccountPlan.objects.get(revision=2)
    assert second.url == new.get_absolute_url()
    old_page = client.get(plan.get_absolute_url()).content.decode()
    assert (
        'data-testid="old-version"' in old_page and "全国性股份制银行" in old_page and "视频会议" in old_page
    )
    assert 'data-testid="edit-plan"' not in old_page
    assert client.get(reverse("planning:plan_edit", args=[plan.pk])).status_code == 403
    assert client.get(reverse("planning:account", args=[world.account.pk])).url == new.get_absolute_url()
    assert list(AccountPlan.objects.order_by("revision").values_list("status", flat=True)) == [
        "superseded",
        "draft",
    ]


def test_the_plan_pdf_has_the_account_name_and_the_chinese_text(client, world, imsc, plan):
    client.force_login(world.owner)
    response = client.get(reverse("planning:plan_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "SPD Bank",
        "Six-step account plan",
        "银行 Banking",
        "语音业务 Voice",
        "Act now",
        "Over a year",
    ):
        assert expected in text, expected


def test_the_plan_xlsx(client, world, plan):
    client.force_login(world.owner)
    response = client.get(reverse("planning:plan_xlsx", args=[plan.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert values[0] == ["Account plan", "SPD Bank", "Version", 1]
    assert ["语音业务 Voice", "Act now", 4, 5, 5, 14] in values
    assert ["售前 Presales", 2, 3, 300, 360, 0, 0] in values


def test_the_account_page_links_to_its_plan(client, world, plan):
    client.force_login(world.owner)
    html = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()
    assert 'data-testid="account-plan"' in html and plan.get_absolute_url() in html
    client.force_login(world.outsider)
    html = client.get(reverse("accounts:detail", args=[world.other_account.pk])).content.decode()
    assert reverse("planning:plan_create", args=[world.other_account.pk]) in html


def test_industry_profiles_and_the_base_show_what_kam_knows(client, world, imsc):
    from kam.tiering.models import TransactionMonth

    services.profile_save(
        actor=world.manager,
        industry=world.industry,
        data={
            "market_size": Decimal(308),
            "market_size_unit": "亿元",
            "growth_percent": Decimal("18.3"),
            "segments": "硬件: 60.26",
        },
    )
    month = datetime.date.today().replace(day=1)
    TransactionMonth.objects.create(account=world.account, month=month, sales=1_000_000)
    TransactionMonth.objects.create(  # revenue is net of returns, as in tiering: 28,000
        account=world.other_account, month=month, sales=3_000_000, returns=1, returned=200_000
    )
    client.force_login(world.owner)
    html = client.get(reverse("planning:industry_list")).content.decode()
    assert "308 亿元" in html and "18.30 %" in html and 'id="scatter-data"' in html
    base = client.get(reverse("planning:base")).content.decode()
    assert "10,000" in base  # only the owner's account: 1,000,000 cents
    total = base.split('data-testid="composition-total">')[1].split("</tr>")[0]
    assert re.findall(r">([^<]+)</td>", total) == ["Total", "10,000", "100.00"]
    assert "30,000" not in base
    client.force_login(world.admin)
    base = client.get(reverse("planning:base")).content.decode()
    total = base.split('data-testid="composition-total">')[1].split("</tr>")[0]
    assert re.findall(r">([^<]+)</td>", total) == ["Total", "38,000", "100.00"]
    before = _state()
    client.force_login(world.owner)
    assert (
        client.post(reverse("planning:profile_edit", args=[world.industry.pk]), {"notes": "x"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("planning:business_line_create"), {"name": "x", "value_chain_class": 3}
        ).status_code
        == 403
    )
    assert _state() == before


def test_the_matrix_page_reads_a_fixed_number_of_queries(client, world, imsc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kam.accounts.tests.factories import IndustryFactory

    client.force_login(world.manager)
    with CaptureQueriesContext(connection) as nine:
        client.get(reverse("planning:matrix"))
    rows, criteria = imsc
    for code in ("mining", "media"):
        row = services.industry_row_create(actor=world.manager, industry=IndustryFactory(code=code))
        services.score_set(row=row, criterion=criteria[0], value=Decimal(5), actor=world.manager)
    with CaptureQueriesContext(connection) as eleven:
        client.get(reverse("planning:matrix"))
    assert len(eleven) == len(nine)


def test_the_plan_draws_competitors_and_progress_from_the_pipeline(client, world, plan):
    from kam.pipeline import services as pipeline_services

    switch = pipeline_services.opportunity_create(
        actor=world.owner,
        data={
            "account": world.account,
            "name": "回访中心 Call-back centre",
            "amount": Decimal(500000),
            "competitors": "中国电信, 中国网通",
        },
    )
    lost = pipeline_services.opportunity_create(
        actor=world.owner,
        data={"account": world.account, "name": "专线 Leased line", "amount": Decimal(900000)},
    )
    pipeline_services.opportunity_close(
        opportunity=lost, actor=world.owner, status="lost", reason="价格 Price", winning_competitor="中国移动"
    )
    pipeline_services.opportunity_create(
        actor=world.owner, data={"account": world.account, "name": "无对手 No rival", "amount": Decimal(1)}
    )
    pipeline_services.progress_report_create(
        opportunity=switch,
        actor=world.owner,
        data={"competitor": "中国电信", "progress": 2, "manager_assessment": "进展顺利"},
        influencers=[],
    )
    client.force_login(world.owner)
    html = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    rivals = html.split('data-testid="rivals">')[1].split("</ul>")[0]
    items = [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in rivals.split("<li>")[1:]]
    assert items == [
        f"{switch} (Open): 中国电信, 中国网通",
        f"{lost} (Lost) · won by 中国移动",
    ]
    report = html.split('data-testid="report"')[1].split('data-testid="step-')[0]
    assert "<b>Competitor:</b> 中国电信" in report
    assert '<div data-testid="report-progress"><b>Current progress (−5 … +5):</b> +2</div>' in report
    assert "<b>Manager's assessment:</b> 进展顺利" in report
    client.force_login(world.outsider)
    assert client.get(reverse("planning:plan", args=[plan.pk])).status_code == 404


def test_an_old_version_says_which_facts_are_today_s(client, world, plan):
    services.plan_new_version(plan=plan, actor=world.owner)
    client.force_login(world.owner)
    old = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert (
        "what KAM knows (industry, competition, org chart, progress reports) is shown as it is today" in old
    )


def test_the_plan_list_flags_an_overdue_review(client, world, plan):
    other = make_plan(
        account=world.other_account, actor=world.outsider, review_date=datetime.date(2999, 1, 1)
    )
    client.force_login(world.admin)
    rows = client.get(reverse("planning:plan_list")).content.decode().split("<tr>")[2:]
    overdue = {row.split("</a>")[0].rsplit(">", 1)[1]: 'data-testid="review-overdue"' in row for row in rows}
    assert overdue == {"SPD Bank": True, other.account.name: False}


def test_removing_a_measure_asks_first_and_says_what_was_removed(client, world, plan):
    measure = plan.measures.get(title="语音业务 Voice")
    others = plan.measures.count() - 1
    client.force_login(world.owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "return confirm('Remove this measure from the roadmap?')" in page

    answer = client.post(reverse("planning:measure_delete", args=[measure.pk]), follow=True)

    assert [str(m) for m in answer.context["messages"]] == ["Measure “语音业务 Voice” removed."]
    assert list(plan.measures.filter(pk=measure.pk)) == [] and plan.measures.count() == others
