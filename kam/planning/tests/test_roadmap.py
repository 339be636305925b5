"""M2.4's roadmap and M2.5's service balance, pure, with SPD Bank's ratings from the demo."""

from decimal import Decimal

from kam.planning import roadmap
from kam.planning.demo import SPD_MEASURES


def test_spd_measures_sit_in_the_horizon_their_ratings_suggest():
    measures = [roadmap.MeasureScore(title, horizon, p, c, f) for title, horizon, p, c, f in SPD_MEASURES]
    assert [m.score for m in measures] == [14, 13, 12, 11, 10, 10, 8, 7]
    assert all(roadmap.suggested_horizon(m.score) == m.horizon for m in measures)
    lanes = roadmap.roadmap(list(reversed(measures)))
    assert [len(lanes[h]) for h in roadmap.HORIZONS] == [3, 3, 2]
    assert lanes["now"][0] == "语音业务 Voice services"
    assert lanes["mid"] == [
        "视频监控 Video surveillance",
        "HR/CRM/OA/风险控制等管理信息化 Management IT: HR, CRM, OA, risk control",
        "移动办公与安全 Mobile office and security",
    ]


def test_suggested_horizon_thresholds():
    assert [roadmap.suggested_horizon(s) for s in (15, 12, 11, 9, 8, 3)] == [
        "now",
        "now",
        "mid",
        "mid",
        "long",
        "long",
    ]


def test_service_balance():
    short = roadmap.balance([(1, 1), (Decimal(2), Decimal(3))])
    assert (short.committed, short.promised, short.gap, short.covered, short.shortfall) == (
        Decimal(3),
        Decimal(4),
        Decimal(-1),
        False,
        Decimal(1),
    )
    over = roadmap.balance([(Decimal("5.5"), 5)])
    assert (over.covered, over.shortfall) == (True, Decimal(0))
    assert roadmap.balance([]).covered is True
