"""Writes of competition: every one audited, the catalogue kept by managers and admins, a grid saved whole
(weights that do not total 1 are refused and nothing changes), stale edits refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kam.accounts import services as account_services
from kam.accounts.tests.factories import AccountFactory
from kam.audit.models import ObjectChange
from kam.competition import services
from kam.competition.models import (
    Bidder,
    Competitor,
    Criterion,
    Evaluation,
    Matrix,
    MatrixCell,
    MatrixColumn,
    MatrixRow,
    Score,
    SellingPoint,
)
from kam.competition.selectors import evaluation_view, matrix_view
from kam.competition.tests.factories import M44, m44_rows, make_competitor, make_m44, make_opportunity
from kam.core.exceptions import StaleEditError
from kam.core.request_context import request_id_scope


@pytest.fixture
def opportunity(world):
    return make_opportunity(account=world.account, actor=world.owner)


def _last_id():
    return ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _changes(since):
    return [
        (c.action, c.content_type.model, c.actor_repr)
        for c in ObjectChange.objects.filter(id__gt=since).select_related("content_type").order_by("id")
    ]


def _state():
    """Everything competition stores, to check that a refused write changed nothing."""
    return (
        list(Competitor.objects.order_by("id").values_list("id", "name", "version", "is_active")),
        list(Evaluation.objects.order_by("id").values_list("id", "kind", "version")),
        list(Bidder.objects.order_by("id").values_list("id", "competitor_id", "position")),
        list(Criterion.objects.order_by("id").values_list("id", "name", "weight", "position")),
        list(Score.objects.order_by("id").values_list("id", "criterion_id", "bidder_id", "value")),
        list(Matrix.objects.order_by("id").values_list("id", "title", "version")),
        list(MatrixRow.objects.order_by("id").values_list("id", "name", "factor", "position")),
        list(MatrixColumn.objects.order_by("id").values_list("id", "competitor_id")),
        list(MatrixCell.objects.order_by("id").values_list("id", "rating")),
        list(SellingPoint.objects.order_by("id").values_list("id", "need", "version")),
        ObjectChange.objects.count(),
    )


# --- the catalogue ------------------------------------------------------------------------------------------


def test_managers_and_admins_keep_the_catalogue(world):
    start = _last_id()
    with request_id_scope("req-catalogue"):
        competitor = services.competitor_create(
            actor=world.manager, data={"name": "外资品牌A", "name_en": "Foreign brand A", "origin": "foreign"}
        )
        services.competitor_update(
            competitor=competitor, actor=world.admin, data={"strengths": "品牌"}, expected_version=1
        )
    assert (competitor.name, competitor.origin, competitor.strengths, competitor.version) == (
        "外资品牌A",
        "foreign",
        "品牌",
        2,
    )
    assert _changes(start) == [("create", "competitor", "manager"), ("update", "competitor", "admin")]
    assert set(ObjectChange.objects.filter(id__gt=start).values_list("request_id", "account_id")) == {
        ("req-catalogue", None)
    }
    before = _state()
    for person in (world.owner, world.teammate, world.auditor):
        with pytest.raises(PermissionDenied):
            services.competitor_create(actor=person, data={"name": "国内品牌B"})
        with pytest.raises(PermissionDenied):
            services.competitor_update(competitor=competitor, actor=person, data={"name": "X"})
    assert _state() == before


def test_a_competitor_name_is_unique_in_any_case(world):
    make_competitor("Siemens")
    before = _state()
    with pytest.raises(ValidationError) as clash:
        services.competitor_create(actor=world.admin, data={"name": " siemens "})
    assert clash.value.message_dict == {"name": ["Siemens is already in the catalogue."]}
    assert _state() == before


def test_a_competitor_in_use_stays_in_the_catalogue(world, opportunity):
    evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    used = evaluation.bidders.exclude(competitor=None).first().competitor
    spare = make_competitor("X公司")
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.competitor_delete(competitor=used, actor=world.admin)
    assert refused.value.messages == [
        "外资品牌A is used in 1 evaluations, 0 matrices and 0 selling points, so it stays in the catalogue. "
        "Mark it as no longer competing instead."
    ]
    assert _state() == before
    start = _last_id()
    services.competitor_delete(competitor=spare, actor=world.manager)
    assert _changes(start) == [("delete", "competitor", "manager")]
    assert not Competitor.objects.filter(pk=spare.pk).exists()


# --- evaluations --------------------------------------------------------------------------------------------


def test_m44_entered_through_the_services(world, opportunity):
    start = _last_id()
    with request_id_scope("req-m44"):
        evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    view = evaluation_view(evaluation)
    assert [(str(b), s.total, s.rank, s.unweighted) for b, s in view.ranking] == [
        ("Us", Decimal("4.35"), 1, Decimal("35")),
        ("外资品牌A", Decimal("3.85"), 2, Decimal("31")),
        ("国内品牌B", Decimal("3.80"), 3, Decimal("31")),
    ]
    assert (view.weight_total, view.missing, view.evaluation.version) == (Decimal("1.00"), 0, 2)
    changes = _changes(start)
    assert changes.count(("create", "criterion", "owner")) == 8
    assert changes.count(("create", "score", "owner")) == 24
    assert changes.count(("create", "bidder", "owner")) == 3
    entries = ObjectChange.objects.filter(id__gt=start, actor=world.owner)
    assert {(e.account_id, e.request_id) for e in entries} == {(world.account.pk, "req-m44")}


def test_weights_that_do_not_total_one_are_refused_and_nothing_changes(world, opportunity):
    evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    rows = [
        {"id": c.pk, "name": c.name, "name_en": c.name_en, "weight": c.weight, "cells": {}}
        for c in evaluation.criteria.all()
    ]
    rows[6]["weight"] = Decimal("0.15")  # supply capability 0.05 → 0.15: the weights total 1.10
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.evaluation_grid_save(evaluation=evaluation, actor=world.owner, rows=rows, expected_version=2)
    assert refused.value.message_dict == {"weights": ["The weights total 1.10; they must total 1."]}
    assert _state() == before
    rows[6]["weight"], rows[7]["weight"] = Decimal("0.05"), Decimal("0.125")
    with pytest.raises(ValidationError) as short:
        services.evaluation_grid_save(evaluation=evaluation, actor=world.owner, rows=rows)
    assert short.value.message_dict == {"weights": ["The weights total 0.975; they must total 1."]}
    assert _state() == before


def test_a_grid_row_dropped_removes_its_criterion_and_scores(world, opportunity):
    evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    saved = list(evaluation.criteria.order_by("position"))
    rows = [
        {"id": c.pk, "name": c.name, "name_en": c.name_en, "weight": c.weight, "cells": {}} for c in saved[:6]
    ]
    rows[0]["weight"] = Decimal("0.40")  # 0.20 of supply capability and fast solution moves here
    rows.append(
        {"id": saved[7].pk, "name": saved[7].name, "weight": Decimal("0.15"), "remove": True, "cells": {}}
    )
    start = _last_id()
    services.evaluation_grid_save(evaluation=evaluation, actor=world.owner, rows=rows, expected_version=2)
    view = evaluation_view(Evaluation.objects.get(pk=evaluation.pk))
    assert [(c.name, c.weight) for c in view.criteria] == [
        ("客户关系", Decimal("0.400")),
        ("售后服务", Decimal("0.150")),
        ("行业标准", Decimal("0.100")),
        ("品牌", Decimal("0.100")),
        ("产品性能", Decimal("0.100")),
        ("价格", Decimal("0.150")),
    ]
    assert [s.total for _b, s in view.columns] == [Decimal("4.15"), Decimal("4.05"), Decimal("3.95")]
    changes = _changes(start)
    assert (
        changes.count(("delete", "score", "owner")) == 6
        and changes.count(("delete", "criterion", "owner")) == 2
    )
    assert ("update", "criterion", "owner") in changes


def test_a_stale_grid_is_refused(world, opportunity):
    evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    before = _state()
    with pytest.raises(StaleEditError):
        services.evaluation_grid_save(
            evaluation=evaluation,
            actor=world.teammate,
            rows=m44_rows(evaluation, M44[:1]),
            expected_version=1,
        )
    assert _state() == before


def test_grid_rows_need_distinct_names_and_known_ids(world, opportunity):
    evaluation = services.evaluation_create(actor=world.owner, opportunity=opportunity, kind="technical")
    before = _state()
    rows = [
        {"name": "价格", "weight": Decimal("0.5"), "cells": {}},
        {"name": " 价格 ", "weight": Decimal("0.5"), "cells": {}},
    ]
    with pytest.raises(ValidationError) as twice:
        services.evaluation_grid_save(evaluation=evaluation, actor=world.owner, rows=rows)
    assert twice.value.message_dict == {"criteria": ["“价格” is on rows 1 and 2; name each row once."]}
    with pytest.raises(ValidationError) as stranger:
        services.evaluation_grid_save(
            evaluation=evaluation,
            actor=world.owner,
            rows=[{"id": 999999, "name": "x", "weight": 1, "cells": {}}],
        )
    assert stranger.value.message_dict == {"criteria": ["Row 1 is not part of this grid any more."]}
    assert _state() == before


def test_templates_and_one_evaluation_per_bid(world, opportunity):
    technical = services.evaluation_create(
        actor=world.owner, opportunity=opportunity, kind="technical", template="technical"
    )
    assert [(c.name, c.weight) for c in technical.criteria.order_by("position")] == [
        ("产品性能", Decimal("0.30")),
        ("行业标准", Decimal("0.20")),
        ("快速解决方案", Decimal("0.20")),
        ("供货能力", Decimal("0.15")),
        ("售后服务", Decimal("0.15")),
    ]
    before = _state()
    with pytest.raises(ValidationError) as taken:
        services.evaluation_create(actor=world.owner, opportunity=opportunity, kind="technical")
    assert taken.value.message_dict == {
        "kind": ["This opportunity already has an evaluation of the technical bid."]
    }
    with pytest.raises(ValidationError) as unknown:
        services.evaluation_create(
            actor=world.owner, opportunity=opportunity, kind="commercial", template="x"
        )
    assert unknown.value.message_dict == {"template": ["Choose a template from the list."]}
    with pytest.raises(PermissionDenied):
        services.evaluation_create(actor=world.auditor, opportunity=opportunity, kind="commercial")
    assert _state() == before


def test_dropping_a_competitor_takes_its_scores_along_audited(world, opportunity):
    evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    a, b = [bidder.competitor for bidder in evaluation.bidders.exclude(competitor=None).order_by("position")]
    c = make_competitor("国内品牌C", "domestic")
    assert services.removed_with_data(parent=evaluation, competitors=[c, b]) == [(a, 8)]
    start = _last_id()
    services.evaluation_update(
        evaluation=evaluation, actor=world.owner, data={"note": "after the tender"}, competitors=[c, b]
    )
    view = evaluation_view(Evaluation.objects.get(pk=evaluation.pk))
    assert [str(bidder) for bidder in view.bidders] == ["Us", "国内品牌C", "国内品牌B"]
    assert [(str(b_), s.total, s.missing) for b_, s in view.columns] == [
        ("Us", Decimal("4.35"), 0),
        ("国内品牌C", None, 8),
        ("国内品牌B", Decimal("3.80"), 0),
    ]
    changes = _changes(start)
    assert changes.count(("delete", "score", "owner")) == 8
    assert ("delete", "bidder", "owner") in changes and ("create", "bidder", "owner") in changes


def test_deleting_an_evaluation_audits_everything_it_held(world, opportunity):
    evaluation = make_m44(opportunity=opportunity, actor=world.owner)
    start = _last_id()
    services.evaluation_delete(evaluation=evaluation, actor=world.owner)
    changes = _changes(start)
    assert (changes.count(("delete", "score", "owner")), changes.count(("delete", "criterion", "owner"))) == (
        24,
        8,
    )
    assert (changes.count(("delete", "bidder", "owner")), changes[-1]) == (
        3,
        ("delete", "evaluation", "owner"),
    )
    assert (Evaluation.objects.count(), Score.objects.count(), Criterion.objects.count()) == (0, 0, 0)


# --- matrices and selling points ----------------------------------------------------------------------------


def _matrix(world, **kwargs):
    telecom, netcom = make_competitor("中国电信"), make_competitor("中国网通")
    return services.matrix_create(
        actor=world.owner,
        account=world.account,
        title="通信产品",
        competitors=[telecom, netcom],
        product_lines=["本地语音", "上网"],
        **kwargs,
    )


def test_a_matrix_has_us_the_competitors_its_product_lines_and_the_six_factors(world):
    start = _last_id()
    matrix = _matrix(world)
    view = matrix_view(matrix)
    assert [str(c) for c in view.columns] == ["Us", "中国电信", "中国网通"]
    assert [str(line["row"]) for line in view.product_lines] == ["本地语音", "上网"]
    assert [line["row"].factor for line in view.factors] == [
        "coverage",
        "stability",
        "price",
        "brand",
        "service",
        "operations",
    ]
    changes = _changes(start)
    assert (
        changes[:1] == [("create", "competitor", "system")]
        and changes.count(("create", "matrixrow", "owner")) == 8
    )
    columns = {str(c): c.pk for c in view.columns}
    rows = [
        {
            "id": line["row"].pk,
            "name": line["row"].name,
            "cells": {columns["Us"]: 5, columns["中国电信"]: 4, columns["中国网通"]: None},
        }
        for line in view.product_lines
    ] + [{"name": "长途语音", "cells": {columns["Us"]: 2, columns["中国电信"]: 5}}]
    services.matrix_grid_save(matrix=matrix, actor=world.owner, rows=rows, expected_version=1)
    view = matrix_view(Matrix.objects.get(pk=matrix.pk))
    assert [(str(line["row"]), line["cells"], line["comparison"].edge) for line in view.product_lines] == [
        ("本地语音", [5, 4, None], 1),
        ("上网", [5, 4, None], 1),
        ("长途语音", [2, 5, None], -3),
    ]
    assert [str(line["row"]) for line in view.edges] == ["本地语音", "上网"]
    assert len(view.factors) == 6  # the factors are not in the list but stay


def test_an_industry_matrix_is_kept_by_managers(world):
    telecom = make_competitor("中国电信")
    before = _state()
    with pytest.raises(PermissionDenied):
        services.matrix_create(
            actor=world.owner, industry=world.industry, title="金融行业", competitors=[telecom]
        )
    assert _state() == before
    matrix = services.matrix_create(actor=world.manager, industry=world.industry, title="金融行业")
    with pytest.raises(PermissionDenied):
        services.matrix_update(matrix=matrix, actor=world.owner, data={"title": "x"})
    with pytest.raises(ValidationError) as both:
        services.matrix_create(actor=world.admin, account=world.account, industry=world.industry, title="x")
    assert both.value.messages == ["A matrix is for one account or for one industry."]


def test_deleting_an_account_audits_its_matrix_and_selling_points(world):
    account = AccountFactory(owner=world.owner, name="Cascade Ltd")
    telecom = make_competitor("中国电信")
    matrix = services.matrix_create(
        actor=world.owner, account=account, title="x", competitors=[telecom], product_lines=["本地语音"]
    )
    columns = list(matrix.columns.order_by("position"))
    line = matrix.rows.get(name="本地语音")
    services.matrix_grid_save(
        matrix=matrix,
        actor=world.owner,
        rows=[{"id": line.pk, "name": "本地语音", "cells": {columns[0].pk: 4}}],
    )
    services.selling_point_create(
        actor=world.owner, account=account, data={"need": "稳定", "edge": "4小时"}, competitors=[telecom]
    )
    start = _last_id()
    with request_id_scope("req-account-delete"):
        account_services.account_delete(account=account, actor=world.owner)
    kinds = [model for _action, model, _actor in _changes(start)]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "account": 1,
        "matrix": 1,
        "matrixcolumn": 2,
        "matrixrow": 7,
        "matrixcell": 1,
        "sellingpoint": 1,
    }
    assert set(ObjectChange.objects.filter(id__gt=start).values_list("request_id", flat=True)) == {
        "req-account-delete"
    }
    assert not Matrix.objects.exists() and Competitor.objects.filter(pk=telecom.pk).exists()


def test_selling_points_are_audited_with_their_competitors(world):
    netcom = make_competitor("中国网通")
    start = _last_id()
    point = services.selling_point_create(
        actor=world.owner,
        account=world.account,
        data={"need": "线路稳定", "edge": "4小时上门", "standing": "worse", "product_line": "本地2M电路"},
        competitors=[netcom],
    )
    services.selling_point_update(
        selling_point=point, actor=world.teammate, data={"standing": "cannot"}, competitors=[]
    )
    entries = list(ObjectChange.objects.filter(id__gt=start).order_by("id"))
    assert [(e.action, e.after["competitors"], e.after["standing"]) for e in entries] == [
        ("create", [netcom.pk], "worse"),
        ("update", [], "cannot"),
    ]
    before = _state()
    with pytest.raises(PermissionDenied):
        services.selling_point_delete(selling_point=point, actor=world.auditor)
    assert _state() == before
