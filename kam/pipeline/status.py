"""Sales status of a customer (M3.8) — pure: where the most advanced deal with the customer stands.

The seed's chart counts customers as first visit · proposal submitted · negotiation · contract signed
· follow-up maintenance. Processes are configurable, so the open stages map by win probability:
≤ 20 % first visit (G, F), below 90 % proposal submitted (E … B), 90 % and more negotiation (A). A deal
won in the last 12 months makes the customer "contract signed"; one won earlier, "follow-up
maintenance" (a repeat purchase to look after). Customers without any deal have no sales status.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

FIRST_VISIT, PROPOSAL, NEGOTIATION, SIGNED, MAINTENANCE = (
    "first_visit",
    "proposal_submitted",
    "negotiation",
    "contract_signed",
    "maintenance",
)
STATUSES = [FIRST_VISIT, PROPOSAL, NEGOTIATION, SIGNED, MAINTENANCE]


@dataclass(frozen=True)
class Deal:
    probability: Decimal  # % of the stage it is at (or reached, when won)
    status: str  # open / won / lost / abandoned
    closed_on: datetime.date | None = None


def open_status(probability: Decimal) -> str:
    if probability <= 20:
        return FIRST_VISIT
    if probability < 90:
        return PROPOSAL
    return NEGOTIATION


def customer_status(deals: list[Deal], *, today: datetime.date) -> str | None:
    """The customer's sales status from its deals (None when it has no open or won deal)."""
    won = [d.closed_on for d in deals if d.status == "won" and d.closed_on]
    if won:
        return SIGNED if max(won) > today - datetime.timedelta(days=365) else MAINTENANCE
    open_deals = [d.probability for d in deals if d.status == "open"]
    return open_status(max(open_deals)) if open_deals else None
