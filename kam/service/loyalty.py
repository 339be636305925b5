"""The loyalty index (METHODOLOGY M5.4) and the five steps (M5.1). Pure: no ORM.

Loyalty = retention + share of wallet + referrals, less competitors' availability and attractiveness:

    score = 35·retention + 35·share + 30·min(referrals, 3)/3
            − 15·(availability − 1)/4 − 15·(attractiveness − 1)/4

clamped to 0–100. Retention and share are fractions 0–1 (unknown counts 0 and says so); availability and
attractiveness are rated 1 (none / unattractive) to 5 (everywhere / very attractive), 3 when not rated.
Every factor's contribution is returned, so the page explains the score line by line.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
WEIGHTS = {
    "retention": Decimal(35),
    "share_of_wallet": Decimal(35),
    "referrals": Decimal(30),
    "competitor_availability": Decimal(15),
    "competitor_attractiveness": Decimal(15),
}
REFERRALS_FOR_FULL_MARKS = 3
NEUTRAL_RATING = 3
LOYAL_FROM = Decimal(70)
AT_RISK_BELOW = Decimal(40)


@dataclass(frozen=True)
class Factor:
    """One line of the explanation: the factor, its value as shown, its points (+ for, − against)."""

    key: str
    value: str
    points: Decimal
    known: bool = True


@dataclass(frozen=True)
class Loyalty:
    score: Decimal
    factors: list[Factor]

    @property
    def band(self) -> str:
        if self.score >= LOYAL_FROM:
            return "loyal"
        return "at_risk" if self.score < AT_RISK_BELOW else "neutral"


def _points(weight: Decimal, fraction: Decimal) -> Decimal:
    return (weight * fraction).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _fraction(value: Decimal | None) -> Decimal:
    return min(max(Decimal(value), Decimal(0)), Decimal(1)) if value is not None else Decimal(0)


def _rating(value: int | None) -> int:
    if value is None:
        return NEUTRAL_RATING
    if not 1 <= value <= 5:
        raise ValueError(f"rating {value!r} is not 1–5")
    return value


def retention(current_revenue: Decimal, previous_revenue: Decimal) -> Decimal | None:
    """Revenue kept from the year before, 0–1 (more than last year is full retention); None if none then."""
    if previous_revenue <= 0:
        return None
    return min(max(Decimal(current_revenue) / Decimal(previous_revenue), Decimal(0)), Decimal(1))


def loyalty_index(
    *,
    retention: Decimal | None,
    share_of_wallet: Decimal | None,
    referrals: int,
    competitor_availability: int | None,
    competitor_attractiveness: int | None,
) -> Loyalty:
    """The score 0–100 with each factor's contribution (shares as fractions 0–1)."""
    availability = _rating(competitor_availability)
    attractiveness = _rating(competitor_attractiveness)
    referrals = max(int(referrals), 0)
    factors = [
        Factor(
            "retention",
            f"{_fraction(retention) * 100:.0f}%" if retention is not None else "",
            _points(WEIGHTS["retention"], _fraction(retention)),
            known=retention is not None,
        ),
        Factor(
            "share_of_wallet",
            f"{_fraction(share_of_wallet) * 100:.0f}%" if share_of_wallet is not None else "",
            _points(WEIGHTS["share_of_wallet"], _fraction(share_of_wallet)),
            known=share_of_wallet is not None,
        ),
        Factor(
            "referrals",
            str(referrals),
            _points(WEIGHTS["referrals"], Decimal(min(referrals, REFERRALS_FOR_FULL_MARKS)) / 3),
        ),
        Factor(
            "competitor_availability",
            f"{availability}/5",
            -_points(WEIGHTS["competitor_availability"], Decimal(availability - 1) / 4),
            known=competitor_availability is not None,
        ),
        Factor(
            "competitor_attractiveness",
            f"{attractiveness}/5",
            -_points(WEIGHTS["competitor_attractiveness"], Decimal(attractiveness - 1) / 4),
            known=competitor_attractiveness is not None,
        ),
    ]
    total = sum((f.points for f in factors), Decimal(0))
    return Loyalty(min(max(total, Decimal(0)), Decimal(100)).quantize(ONE_DECIMAL), factors)


@dataclass(frozen=True)
class StepEvidence:
    """What the account has to show for each of the five steps."""

    has_revenue: bool
    trusted_contacts: int  # contacts on the grid at D (trust) or higher
    share_percent: Decimal | None
    joint_projects: int
    loyalty_score: Decimal | None
    strategic_contacts: int  # contacts on the grid at A (strategy)
    stage: str | None


def five_steps(evidence: StepEvidence) -> list[tuple[str, bool]]:
    """preference → trust → value → loyalty → strategy: each step with whether its evidence is there.

    A step counts only when the ones below it do, as on a staircase.
    """
    share = evidence.share_percent
    checks = [
        ("preference", evidence.has_revenue),
        ("trust", evidence.trusted_contacts > 0),
        ("value", (share is not None and share >= 30) or evidence.joint_projects > 0),
        ("loyalty", evidence.loyalty_score is not None and evidence.loyalty_score >= LOYAL_FROM),
        ("strategy", evidence.stage == "strategic" or evidence.strategic_contacts > 0),
    ]
    reached, climbing = [], True
    for key, ok in checks:
        climbing = climbing and ok
        reached.append((key, climbing))
    return reached
