import io

from django.core.management import call_command

from kam.audit.models import ObjectChange
from kam.pipeline.analytics import pipeline_forecast, stage_funnel
from kam.pipeline.models import Opportunity, SalesProcess, StageTransition


def test_generated_opportunities_have_consistent_histories(db):
    call_command(
        "generate",
        "--accounts",
        "50",
        "--seed",
        "3",
        "--opportunities",
        "400",
        "--no-progress",
        stdout=io.StringIO(),
    )
    assert Opportunity.objects.count() == 400
    process = SalesProcess.objects.get(is_default=True)
    stages = list(process.stages.order_by("order"))
    for opportunity in Opportunity.objects.all()[:120]:
        moves = list(opportunity.transitions.order_by("moved_at", "id"))
        reached = [m for m in moves if m.from_stage_id != m.to_stage_id or m.from_stage_id is None]
        assert [m.to_stage for m in reached] == stages[: opportunity.stage.order]
        assert all(a.moved_at <= b.moved_at for a, b in zip(moves, moves[1:], strict=False))
        assert (opportunity.status == "won") == (opportunity.stage.is_won)
        assert moves[-1].to_status == opportunity.status
    counts = {s: Opportunity.objects.filter(status=s).count() for s in ("open", "won", "lost", "abandoned")}
    assert sum(counts.values()) == 400 and all(counts.values())
    assert ObjectChange.objects.filter(content_type__model="opportunity", action="create").count() == 400
    assert StageTransition.objects.count() > 400


def test_generation_is_deterministic_and_feeds_the_analytics(db, world):
    import datetime

    from kam.pipeline.generate import generate_opportunities

    call_command(
        "generate", "--accounts", "20", "--seed", "5", "--no-progress", "--no-audit", stdout=io.StringIO()
    )
    today = datetime.date(2026, 11, 27)

    def run():
        generate_opportunities(count=200, seed=5, today=today, audit=False)
        return list(
            Opportunity.objects.order_by("number").values_list("number", "account_id", "amount", "status")
        )

    first = run()
    Opportunity.objects.all().delete()
    assert run() == first
    process = SalesProcess.objects.get(is_default=True)
    rows = stage_funnel(user=world.admin, process=process, since=datetime.date(2000, 1, 1))
    assert rows[0]["reached"] == 200
    assert rows[-1]["reached"] == Opportunity.objects.filter(status="won").count()
    calibration = pipeline_forecast(user=world.admin, process=process)["calibration"]
    assert calibration[0][1].sample == Opportunity.objects.exclude(status="open").count()
