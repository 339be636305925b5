"""`kam demo` puts M4.3's buying center on HDJX's project 0203, once."""

from decimal import Decimal

from kam.accounts.demo import load_demo
from kam.buyingcenter.demo import load_buying_center_demo
from kam.buyingcenter.models import CounterpartPair, Stakeholder
from kam.buyingcenter.selectors import buying_center
from kam.pipeline.demo import load_pipeline_demo
from kam.pipeline.models import Opportunity


def test_demo_buying_center(db):
    load_demo()
    load_pipeline_demo()
    assert load_buying_center_demo() == 4
    assert load_buying_center_demo() == 0
    opportunity = Opportunity.objects.select_related("stage", "account").get(number="0203")
    assert opportunity.account.code == "HDJX"
    center = buying_center(opportunity=opportunity)
    assert center.phase == "selection"  # stage E is in "establish", which has no weights
    assert (center.score, center.split.at_risk, center.total) == (Decimal("0.10"), True, 100)
    assert [(r.contact.name, r.stakeholder.attitude, r.arrow, r.weight) for r in center.coverage] == [
        ("张华", "C", "↑", 60),
        ("李建", "B", "↑", 30),
        ("王桑", "E", "↓", 10),
        ("李阳", "", "", 0),
    ]
    assert [a.text for a in center.actions] == [
        "Find out where 李阳 stands",
        "Plan how to neutralise 王桑",
        "Win over 张华",
        "Follow up with 张华",
        "Follow up with 王桑",
        "Follow up with 李阳",
    ]
    assert [(g.name, g.level) for g in center.gaps] == [("王桑", "finance"), ("李阳", "executive")]
    assert Stakeholder.objects.count() == 4 and CounterpartPair.objects.count() == 2
