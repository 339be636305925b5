"""`kam demo` loads the catalogue, M4.4's evaluation on HDJX's 0203 and M2.2's matrix for SPD Bank, once."""

from decimal import Decimal

from kam.accounts.demo import load_demo
from kam.buyingcenter.demo import load_buying_center_demo
from kam.competition.demo import load_competition_demo
from kam.competition.models import Competitor, Evaluation, Matrix, SellingPoint
from kam.competition.selectors import evaluation_view, matrix_view
from kam.pipeline.demo import load_pipeline_demo


def test_demo_competition(db):
    load_demo()
    load_pipeline_demo()
    load_buying_center_demo()
    assert load_competition_demo() == 2
    assert load_competition_demo() == 0
    view = evaluation_view(Evaluation.objects.select_related("opportunity").get())
    assert view.evaluation.opportunity.number == "0203"
    assert [(b.competitor.origin if b.competitor else "us", s.total, s.rank) for b, s in view.ranking] == [
        ("us", Decimal("4.35"), 1),
        ("foreign", Decimal("3.85"), 2),
        ("domestic", Decimal("3.80"), 3),
    ]
    matrix = matrix_view(Matrix.objects.select_related("account").get())
    assert (matrix.matrix.account.code, [str(c) for c in matrix.columns]) == (
        "110",
        ["Us", "China Telecom", "China Netcom", "China Mobile"],
    )
    assert [str(line["row"]) for line in matrix.edges] == [
        "本地2M电路 Local 2M circuit",
        "上网 Internet access",
        "Stability",
        "Service quality",
    ]
    assert (Competitor.objects.count(), SellingPoint.objects.count(), matrix.rated) == (6, 1, 44)
