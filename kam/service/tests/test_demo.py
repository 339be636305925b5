"""The service demo loads on the demo company and is idempotent."""

import datetime

from kam.accounts.demo import load_demo
from kam.service.demo import load_service_demo
from kam.service.models import GridPlacement, RelationshipStage, StageChange

TODAY = datetime.date(2026, 11, 27)


def test_demo_is_idempotent(db):
    load_demo(today=TODAY)
    assert load_service_demo(today=TODAY) >= 2
    counts = (StageChange.objects.count(), GridPlacement.objects.count())
    assert load_service_demo(today=TODAY) == 0
    assert (StageChange.objects.count(), GridPlacement.objects.count()) == counts
    assert RelationshipStage.objects.get(account__code="110").stage == "mid"
    assert RelationshipStage.objects.get(account__code="STIP").stage == "gestation"
    path = GridPlacement.objects.filter(contact__name="郑师超").values_list("depth", "level")
    assert list(path) == [(1, "E"), (2, "D"), (3, "C")]
