"""The competition pages: who sees and changes what, the grids' errors naming the field (and nothing saved),
the confirmations, the panels, and a constant number of queries whatever the number of competitors."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.audit.models import ObjectChange
from kam.competition import services
from kam.competition.models import Bidder, Competitor, Criterion, Evaluation, Matrix, Score
from kam.competition.tests.factories import M44, make_competitor, make_m44, make_opportunity
from kam.competition.tests.html import text

VIEWERS = {"owner", "teammate", "east_manager", "manager", "auditor", "admin"}
CHANGERS = {"owner", "teammate", "east_manager", "manager", "admin"}
PERSONAS = ["outsider", "owner", "teammate", "east_manager", "manager", "auditor", "admin"]


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


@pytest.fixture
def m44(world, opportunity):
    return make_m44(opportunity=opportunity, actor=world.owner)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _section(page: str, testid: str) -> str:
    return text(page, testid)


def _state():
    return (
        list(Criterion.objects.order_by("id").values_list("id", "name", "weight")),
        list(Score.objects.order_by("id").values_list("id", "value")),
        list(Bidder.objects.order_by("id").values_list("id", "competitor_id")),
        list(Evaluation.objects.order_by("id").values_list("id", "version", "kind")),
        ObjectChange.objects.count(),
    )


def test_who_sees_and_changes_an_evaluation(client, world, m44):
    for name in PERSONAS:
        client.force_login(getattr(world, name))
        assert client.get(reverse("competition:evaluation", args=[m44.pk])).status_code == (
            200 if name in VIEWERS else 404
        ), name
        assert client.get(reverse("competition:evaluation_grid", args=[m44.pk])).status_code == (
            200 if name in CHANGERS else 404
        ), name
        assert client.get(
            reverse("competition:evaluation_create", args=[m44.opportunity_id])
        ).status_code == (200 if name in CHANGERS else 404), name


def test_the_evaluation_page_shows_the_ranking_totals_and_gaps(client, world, m44):
    client.force_login(world.auditor)
    page = client.get(reverse("competition:evaluation", args=[m44.pk])).content.decode()
    assert _section(page, "ranking") == "Us 4.35 外资品牌A · Foreign 3.85 国内品牌B · Domestic 3.80"
    assert _section(page, "weighted-totals") == "Weighted total 1.00 4.35 3.85 3.80"
    assert _section(page, "unweighted-sums") == "Unweighted sum (reference only) 35 31 31"
    assert _section(page, "margin") == "We lead 外资品牌A by 0.50."
    assert _section(page, "deficits") == (
        "Industry standard: −1 against 外资品牌A (weighted −0.10) "
        "Brand: −1 against 外资品牌A, 国内品牌B (weighted −0.10)"
    )
    assert 'data-testid="edit-grid"' not in page  # auditors read only


def _grid_post(evaluation, rows, *, version):
    """The grid form's data; each row's scores are those of us, 外资品牌A and 国内品牌B, in that order."""
    data = {"version": version, "rows": len(rows)}
    bidders = {str(b): b.pk for b in evaluation.bidders.select_related("competitor")}
    for index, (criterion_id, name, weight, scores) in enumerate(rows):
        data |= {
            f"r{index}-id": criterion_id or "",
            f"r{index}-name": name,
            f"r{index}-name_en": "",
            f"r{index}-weight": weight,
        }
        for label, score in zip(["Us", "外资品牌A", "国内品牌B"], scores, strict=True):
            data[f"r{index}-c{bidders[label]}"] = score
    return data


def test_entering_m44_on_the_grid(client, world, opportunity):
    a, b = make_competitor("外资品牌A", "foreign"), make_competitor("国内品牌B", "domestic")
    client.force_login(world.teammate)
    created = client.post(
        reverse("competition:evaluation_create", args=[opportunity.pk]),
        {"kind": "combined", "template": "", "competitors": [a.pk, b.pk], "note": ""},
    )
    evaluation = Evaluation.objects.get()
    assert created.headers["Location"] == reverse("competition:evaluation_grid", args=[evaluation.pk])
    grid = client.get(created.headers["Location"]).content.decode()
    assert grid.count('class="kam-name') == 2 * 8 + 2  # eight empty rows, and the row template's two cells
    rows = [(None, name, str(weight), scores) for name, _en, weight, *scores in M44]
    rows[6] = (None, "供货能力", "0.15", rows[6][3])
    before = _state()
    refused = client.post(created.headers["Location"], _grid_post(evaluation, rows, version=1))
    assert refused.status_code == 400
    assert _section(refused.content.decode(), "grid-error") == "The weights total 1.10; they must total 1."
    assert _state() == before
    rows[6] = (None, "供货能力", "0.05", rows[6][3])
    saved = client.post(created.headers["Location"], _grid_post(evaluation, rows, version=1))
    assert saved.headers["Location"] == evaluation.get_absolute_url()
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert _section(page, "ranking") == "Us 4.35 外资品牌A · Foreign 3.85 国内品牌B · Domestic 3.80"
    assert (
        _section(page, "weighted-totals") == "Weighted total 1.00 4.35 3.80 3.85"
    )  # columns: us, B, A by name


def test_grid_errors_name_the_row_and_field(client, world, m44):
    client.force_login(world.owner)
    criteria = list(m44.criteria.order_by("position"))
    rows = [(c.pk, c.name, str(c.weight), [4, 4, 4]) for c in criteria]
    rows[2] = (criteria[2].pk, "", "0.10", [3, 7, 3])
    before = _state()
    response = client.post(
        reverse("competition:evaluation_grid", args=[m44.pk]), _grid_post(m44, rows, version=m44.version)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert _section(page, "grid-field-errors") == (
        "Please correct these cells: Row 3 · 外资品牌A: Ensure this value is less than or equal to 5. "
        "Row 3 · Criterion: Name the criterion."
    )
    a = m44.bidders.get(competitor__name="外资品牌A")
    cell = re.search(rf'<input[^>]*name="r2-c{a.pk}"[^>]*>', page).group(0)
    assert 'aria-label="Row 3 · 外资品牌A"' in cell and 'aria-invalid="true"' in cell and 'value="7"' in cell
    assert _state() == before


def test_removing_a_scored_competitor_needs_a_confirmation(client, world, m44):
    client.force_login(world.owner)
    url = reverse("competition:evaluation_settings", args=[m44.pk])
    keep = m44.bidders.get(position=2).competitor
    data = {"kind": "combined", "note": "", "competitors": [keep.pk], "version": m44.version}
    before = _state()
    asked = client.post(url, data)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert (
        _section(page, "confirm-removal")
        == "Removing these competitors deletes their scores: 外资品牌A: 8 scores"
    )
    assert "Confirm that their scores are deleted, or keep them." in page
    assert _state() == before
    done = client.post(url, data | {"confirm_removal": "on"})
    assert done.headers["Location"] == m44.get_absolute_url()
    assert list(Evaluation.objects.get().bidders.values_list("competitor__name", flat=True)) == [
        None,
        "国内品牌B",
    ]


def test_the_catalogue_pages_are_kept_by_managers_and_admins(client, world):
    competitor = make_competitor("外资品牌A", "foreign", strengths="品牌")
    for name in PERSONAS:
        client.force_login(getattr(world, name))
        keeper = name in {"manager", "east_manager", "admin"}
        assert client.get(reverse("competition:competitor_list")).status_code == 200
        assert client.get(reverse("competition:competitor", args=[competitor.pk])).status_code == 200
        assert client.get(reverse("competition:competitor_create")).status_code == (200 if keeper else 403), (
            name
        )
        assert client.get(reverse("competition:competitor_edit", args=[competitor.pk])).status_code == (
            200 if keeper else 404
        ), name
    client.force_login(world.owner)
    before = list(Competitor.objects.values_list("id", "name", "version"))
    assert client.post(reverse("competition:competitor_create"), {"name": "国内品牌B"}).status_code == 403
    assert list(Competitor.objects.values_list("id", "name", "version")) == before


def test_the_catalogue_empty_state_and_filters(client, world):
    client.force_login(world.owner)
    page = client.get(reverse("competition:competitor_list")).content.decode()
    assert "The catalogue is empty." in page
    make_competitor("外资品牌A", "foreign")
    make_competitor("国内品牌B", "domestic", name_en="Domestic brand B")
    retired = client.get(reverse("competition:competitor_list"), {"is_active": "0"}).content.decode()
    assert "No competitor matches these filters." in retired
    found = client.get(reverse("competition:competitor_list"), {"origin": "domestic"}).content.decode()
    assert _text(
        re.search(r'data-testid="competitor-list".*?<tbody>(.*?)</tbody>', found, re.S).group(1)
    ) == ("Domestic brand B Domestic — —")


def test_deleting_a_used_competitor_is_refused_with_the_reason(client, world, m44):
    used = m44.bidders.get(position=1).competitor
    client.force_login(world.admin)
    page = client.get(reverse("competition:competitor_delete", args=[used.pk])).content.decode()
    assert "外资品牌A is used in 1 evaluations, 0 matrices and 0 selling points" in _section(
        page, "delete-refused"
    )
    client.post(reverse("competition:competitor_delete", args=[used.pk]))
    assert Competitor.objects.filter(pk=used.pk).exists()


def test_the_opportunity_panel_and_its_empty_state(client, world, opportunity):
    opportunity.competitors = "外资品牌A, X公司"
    opportunity.save(update_fields=["competitors"])
    make_competitor("外资品牌A", "foreign")
    client.force_login(world.owner)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "No bid evaluation yet." in page
    assert _section(page, "named-competitors") == (
        "Named on this opportunity: 外资品牌A · X公司 not in the catalogue"
    )
    form = client.get(reverse("competition:evaluation_create", args=[opportunity.pk])).content.decode()
    assert re.search(r'value="\d+"[^>]*checked', form)  # 外资品牌A is ticked for the user
    assert "Named on the opportunity but not in the competitor catalogue: X公司." in _text(form)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_opportunity_page_reads_a_constant_number_of_queries(client, world):
    few = make_opportunity(account=world.account, actor=world.owner, name="One competitor")
    many = make_opportunity(account=world.account, actor=world.owner, name="Five competitors")
    rivals = [make_competitor(f"Rival {i}") for i in range(5)]
    make_m44(opportunity=few, actor=world.owner, competitors=rivals[:2])
    make_m44(opportunity=many, actor=world.owner, competitors=rivals[:2])
    services.evaluation_update(
        evaluation=few.bid_evaluations.get(), actor=world.owner, data={}, competitors=rivals[:1]
    )
    services.evaluation_update(
        evaluation=many.bid_evaluations.get(), actor=world.owner, data={}, competitors=rivals
    )
    evaluation = services.evaluation_create(
        actor=world.owner, opportunity=many, kind="technical", competitors=rivals, template="technical"
    )
    assert evaluation.bidders.count() == 6
    client.force_login(world.owner)
    one, five = _queries(client, few.get_absolute_url()), _queries(client, many.get_absolute_url())
    assert one == five
    assert _queries(
        client, reverse("competition:evaluation", args=[few.bid_evaluations.get().pk])
    ) == _queries(client, reverse("competition:evaluation", args=[evaluation.pk]))


def test_the_account_page_reads_a_constant_number_of_queries(client, world, other_matrix_account=None):
    small = [make_competitor(f"S{i}") for i in range(1)]
    large = [make_competitor(f"L{i}") for i in range(5)]
    services.matrix_create(
        actor=world.owner, account=world.account, title="a", competitors=small, product_lines=["x"]
    )
    services.matrix_create(
        actor=world.outsider,
        account=world.other_account,
        title="b",
        competitors=large,
        product_lines=[f"line {i}" for i in range(6)],
    )
    client.force_login(world.admin)
    assert _queries(client, world.account.get_absolute_url()) == _queries(
        client, world.other_account.get_absolute_url()
    )
    assert _queries(client, reverse("competition:account", args=[world.account.pk])) == _queries(
        client, reverse("competition:account", args=[world.other_account.pk])
    )


def test_matrices_per_account_and_per_industry(client, world):
    telecom = make_competitor("中国电信")
    mine = services.matrix_create(
        actor=world.owner,
        account=world.account,
        title="SPD",
        competitors=[telecom],
        product_lines=["本地语音"],
    )
    shared = services.matrix_create(actor=world.manager, industry=world.industry, title="金融行业")
    theirs = services.matrix_create(actor=world.outsider, account=world.other_account, title="West")
    for name in PERSONAS:
        client.force_login(getattr(world, name))
        listed = client.get(reverse("competition:matrix_list")).content.decode()
        titles = sorted(re.findall(r'href="/competition/matrices/\d+/">([^<]+)</a>', listed))
        expected = {
            "outsider": ["West", "金融行业"],
            "owner": ["SPD", "金融行业"],
            "teammate": ["SPD", "金融行业"],
            "east_manager": ["SPD", "金融行业"],
        }.get(name, ["SPD", "West", "金融行业"])
        assert titles == expected, name
        can_edit_shared = name in {"manager", "east_manager", "admin"}
        assert client.get(reverse("competition:matrix_grid", args=[shared.pk])).status_code == (
            200 if can_edit_shared else 404
        ), name
        assert client.get(reverse("competition:matrix_grid", args=[mine.pk])).status_code == (
            200 if name in CHANGERS else 404
        ), name
    client.force_login(world.owner)
    assert (
        client.get(reverse("competition:matrix_create"), {"industry": world.industry.pk}).status_code == 403
    )
    assert client.get(reverse("competition:matrix", args=[theirs.pk])).status_code == 404


def test_rating_a_matrix_on_the_page(client, world):
    telecom = make_competitor("中国电信")
    client.force_login(world.owner)
    created = client.post(
        reverse("competition:matrix_create"),
        {
            "account": world.account.pk,
            "title": "通信产品",
            "competitors": [telecom.pk],
            "product_lines": "本地语音\n上网",
        },
    )
    matrix = Matrix.objects.get()
    assert created.headers["Location"] == reverse("competition:matrix_grid", args=[matrix.pk])
    rows = list(matrix.rows.order_by("position"))
    us, them = matrix.columns.order_by("position")
    data = {"version": matrix.version, "rows": len(rows) + 1}
    for index, row in enumerate(rows):
        data |= {f"r{index}-id": row.pk, f"r{index}-c{us.pk}": "5", f"r{index}-c{them.pk}": "3"}
        if not row.factor:
            data[f"r{index}-name"] = row.name
    data |= {f"r{len(rows)}-name": "长途语音", f"r{len(rows)}-c{us.pk}": "2", f"r{len(rows)}-c{them.pk}": "4"}
    saved = client.post(created.headers["Location"], data)
    assert saved.headers["Location"] == matrix.get_absolute_url()
    page = client.get(matrix.get_absolute_url()).content.decode()
    table = re.search(r'data-testid="matrix-table".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    assert _text(table).startswith(
        "本地语音 5 3 +2 上网 5 3 +2 长途语音 2 4 −2 Average of the product lines 4.00 3.33"
    )
    assert _section(page, "matrix-behind") == "长途语音 us 2 vs 4 (中国电信)"


def test_selling_points_on_the_account_page(client, world):
    netcom = make_competitor("中国网通")
    client.force_login(world.owner)
    response = client.post(
        reverse("competition:selling_point_create", args=[world.account.pk]),
        {
            "need": "线路稳定",
            "edge": "4小时上门",
            "standing": "worse",
            "competitors": [netcom.pk],
            "evidence": "",
            "product_line": "本地2M电路",
        },
    )
    assert response.headers["Location"] == reverse("competition:account", args=[world.account.pk])
    page = client.get(response.headers["Location"]).content.decode()
    assert _section(page, "usp-list").startswith(
        "线路稳定 本地2M电路 4小时上门 Competitors do it worse: 中国网通 Edit"
    )
    client.force_login(world.outsider)
    assert client.get(reverse("competition:account", args=[world.account.pk])).status_code == 404


def test_the_panel_in_chinese(client, world, m44):
    client.force_login(world.owner)
    page = client.get(m44.opportunity.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert "竞争与评标" in page and "技术标与商务标" in page
    assert _section(page, "ranking") == "我方 4.35 外资品牌A · 外资 3.85 国内品牌B · 国内 3.80"
