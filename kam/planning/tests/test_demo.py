"""`kam demo` loads the IMSC matrix (Telecom computed at 44, its printed 46 flagged), slide 18's decisions and
SPD Bank's plan with slide 26's eight measures — once."""

from decimal import Decimal

from kam.accounts.demo import load_demo
from kam.pipeline.demo import load_pipeline_demo
from kam.planning import selectors
from kam.planning.demo import load_planning_demo
from kam.planning.models import AccountPlan
from kam.users.models import User


def test_demo_planning(db):
    load_demo()
    load_pipeline_demo()
    assert load_planning_demo() == 8 + 9 + 3 + 3 + 2
    assert load_planning_demo() == 0
    admin = User.objects.get(username="admin")
    view = selectors.matrix_view(user=admin)
    telecom = next(r for r in view.rows if r.row.industry.code == "telecom")
    assert (telecom.assessment.total, telecom.row.printed_total, telecom.assessment.mismatch) == (
        Decimal(44),
        Decimal(46),
        True,
    )
    assert view.average_label == "28.9"
    assert {value: [r.row.industry.code for r in lines] for value, _label, lines in view.by_class} == {
        "key": ["telecom", "government", "education"],
        "potential": ["finance", "retail", "logistics"],
        "watch": ["energy", "transport", "healthcare"],
    }
    plans = AccountPlan.objects.filter(account__code="110").order_by("revision")
    assert [(p.revision, p.status) for p in plans] == [(1, "superseded"), (2, "draft")]
    linshan = User.objects.get(username="linshan")
    context = selectors.plan_context(user=linshan, plan=plans[1])
    assert [len(lane["measures"]) for lane in context["lanes"]] == [3, 3, 2]
    assert context["reports"] and context["industry_row"].decided_class == "potential"
