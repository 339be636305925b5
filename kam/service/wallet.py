"""Share of wallet, the contact pattern and the stage they suggest (METHODOLOGY M5.3). Pure: no ORM.

Share of wallet is our revenue over the customer's estimated spend in our category for the same year. The
bands of M5.3 give a stage: under 30 % initial (gestation while nothing is bought), 30–50 % mid, 50–100 %
high, 100 % strategic. The contact pattern gives another: a relationship cannot sit higher than the breadth
of people who engage on both sides — from the "bow tie" (one account manager ↔ one purchasing manager) to
the "diamond" (many functions paired). The suggestion is the lower of the two, because a stage needs both.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kam.service.choices import LADDER, Stage

HUNDRED = Decimal(100)
PERCENT = Decimal("0.1")

#: The lowest share of wallet (percent) of each stage's band (M5.3).
WALLET_BANDS = [(HUNDRED, Stage.STRATEGIC), (Decimal(50), Stage.HIGH), (Decimal(30), Stage.MID)]

#: Active pairs beyond the bow tie each stage needs (gestation: the bow tie alone).
PAIRS_NEEDED = {
    Stage.GESTATION: 0,
    Stage.INITIAL: 1,
    Stage.MID: 3,
    Stage.HIGH: 6,
    Stage.STRATEGIC: 10,
}


@dataclass(frozen=True)
class WalletShare:
    """Share of wallet in percent (0–100, one decimal), the unclamped ratio, and whether it was clamped."""

    percent: Decimal | None
    raw_percent: Decimal | None
    warning: bool = False


def share_of_wallet(revenue: Decimal, spend: Decimal | None) -> WalletShare:
    """Our revenue over the customer's estimated category spend, clamped to [0, 100 %].

    Above 100 % the estimate is too low: the share shows 100 % and `warning` asks for a better estimate.
    Without a positive estimate there is no share. Negative revenue (returns exceed sales) counts as 0 %.
    """
    if spend is None or spend <= 0:
        return WalletShare(None, None)
    raw = (Decimal(revenue) * HUNDRED / Decimal(spend)).quantize(PERCENT, ROUND_HALF_UP)
    clamped = min(max(raw, Decimal(0)), HUNDRED)
    return WalletShare(clamped.quantize(PERCENT), raw, warning=raw > HUNDRED)


def stage_from_wallet(percent: Decimal | None, *, has_revenue: bool) -> Stage | None:
    """The stage of M5.3's bands; None when no share is known."""
    if percent is None:
        return None
    for floor, stage in WALLET_BANDS:
        if percent >= floor:
            return stage
    return Stage.INITIAL if has_revenue else Stage.GESTATION


def pairs_beyond_bow_tie(pairs: set[tuple[int, int]]) -> int:
    """Distinct active (our person, their person) pairs beyond the one account-manager ↔ purchasing link."""
    return max(len(pairs) - 1, 0)


def stage_from_pattern(beyond: int) -> Stage:
    """The highest stage whose contact breadth the active pairs reach."""
    reached = Stage.GESTATION
    for stage in LADDER:
        if beyond >= PAIRS_NEEDED[stage]:
            reached = stage
    return reached


@dataclass(frozen=True)
class Suggestion:
    """The suggested stage and the stages the wallet and the contact pattern each support (None: unknown)."""

    stage: Stage | None
    from_wallet: Stage | None
    from_pattern: Stage | None


def rank(stage: Stage | str | None) -> int:
    """Position on the ladder (gestation 1 … strategic 5); 0 for interrupted or none."""
    return LADDER.index(stage) + 1 if stage in LADDER else 0


def suggest_stage(
    *, percent: Decimal | None, has_revenue: bool, had_revenue_before: bool, beyond: int | None
) -> Suggestion:
    """The stage the figures support: the lower of wallet and pattern; interrupted when buying stopped."""
    if had_revenue_before and not has_revenue:
        return Suggestion(Stage.INTERRUPTED, None, None)
    wallet = stage_from_wallet(percent, has_revenue=has_revenue)
    pattern = stage_from_pattern(beyond) if beyond is not None else None
    known = [s for s in (wallet, pattern) if s is not None]
    stage = min(known, key=rank) if known else None
    return Suggestion(stage, wallet, pattern)


def pattern_gap(stage: Stage | str | None, beyond: int) -> int:
    """How many more active pairs the current stage needs (0: the pattern carries the stage)."""
    needed = PAIRS_NEEDED.get(stage, 0)
    return max(needed - beyond, 0)
