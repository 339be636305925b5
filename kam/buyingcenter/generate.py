"""Synthetic buying centers for the "my actions" benchmark (`kam bench --only actions`).

One owner gets `open_deals` open opportunities (topped up on their own accounts), and each of them a
buying center of up to `people_per_deal` of the account's contacts: mixed roles, attitudes (some
unknown), weights that total 100 % in every phase, and a planned next action for some. Written in bulk
without audit, like the other generators; deterministic for a seed.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from kam.accounts.models import Contact
from kam.buyingcenter.action_store import forget
from kam.buyingcenter.choices import BuyingRole, ProjectPhase
from kam.buyingcenter.models import InfluenceWeight, Stakeholder
from kam.core import bulk
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.generate import generate_opportunities
from kam.pipeline.models import Opportunity

ROLE_SETS = [
    [BuyingRole.ECONOMIC],
    [BuyingRole.TECHNICAL],
    [BuyingRole.USER],
    [BuyingRole.COACH, BuyingRole.INFLUENCER],
    [BuyingRole.FINANCIAL],
]
ATTITUDES = ["A", "B", "B+", "C", "C", "D", "E", ""]
CHUNK = 2000


def generate_buying_centers(
    *, owner_id: int, open_deals: int, people_per_deal: int = 4, seed: int = 1
) -> dict:
    """Top `owner_id` up to `open_deals` open opportunities and staff the ones without a buying center."""
    today = timezone.localdate()
    mine = Opportunity.objects.filter(owner_id=owner_id, status=OpportunityStatus.OPEN)
    missing = open_deals - mine.count()
    added_deals = 0
    if missing > 0:
        added_deals = generate_opportunities(
            count=missing, seed=seed, owner_id=owner_id, status=OpportunityStatus.OPEN, audit=False
        )
    bare = list(mine.filter(stakeholders__isnull=True).values_list("pk", "account_id"))
    forget(opportunity_ids=[deal_id for deal_id, _account in bare])
    contacts = {}
    for contact_id, account_id in Contact.objects.filter(
        account_id__in=mine.values("account_id")
    ).values_list("pk", "account_id"):
        contacts.setdefault(account_id, []).append(contact_id)
    rng = random.Random(seed * 104729)
    people = weights = 0
    for start in range(0, len(bare), CHUNK):
        stakeholders, shares = [], []
        for deal_id, account_id in bare[start : start + CHUNK]:
            chosen = contacts.get(account_id, [])[:people_per_deal]
            for index, contact_id in enumerate(chosen):
                planned = rng.random() < 0.3
                stakeholders.append(
                    Stakeholder(
                        opportunity_id=deal_id,
                        contact_id=contact_id,
                        roles=[str(role) for role in ROLE_SETS[index % len(ROLE_SETS)]],
                        attitude=rng.choice(ATTITUDES),
                        next_action="拜访 Visit" if planned else "",
                        next_action_due=today + datetime.timedelta(days=rng.randint(-10, 30))
                        if planned
                        else None,
                    )
                )
            split = _split(len(chosen), rng)
            shares.append(split)
        with transaction.atomic():
            bulk.reserve_ids(Stakeholder, stakeholders)
            bulk.insert(Stakeholder, stakeholders)
            rows, position = [], 0
            for split in shares:
                members = stakeholders[position : position + len(split)]
                position += len(split)
                for phase in ProjectPhase.values:
                    for stakeholder, percent in zip(members, split, strict=True):
                        rows.append(
                            InfluenceWeight(stakeholder_id=stakeholder.pk, phase=phase, percent=percent)
                        )
            bulk.reserve_ids(InfluenceWeight, rows)
            bulk.insert(InfluenceWeight, rows)
        people += len(stakeholders)
        weights += len(rows)
    return {
        "deals_added": added_deals,
        "stakeholders": people,
        "weights": weights,
        "open_deals": mine.count(),
    }


def _split(people: int, rng: random.Random) -> list[int]:
    """`people` whole percentages that total 100 (none when nobody is there)."""
    if not people:
        return []
    cuts = sorted(rng.sample(range(1, 100), people - 1)) if people > 1 else []
    edges = [0, *cuts, 100]
    return [edges[i + 1] - edges[i] for i in range(people)]
