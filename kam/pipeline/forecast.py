"""Funnel-based forecast (M3.8) — pure arithmetic, no ORM.

- weighted pipeline: each open deal's amount × its stage probability, summed by any grouping;
- pipeline / best case / commit: all open deals unweighted; deals at or past a "best case" probability;
  deals at or past a "commit" probability;
- calibrated probabilities: for each stage, the share of *closed* deals that reached it and were won,
  with the sample size; below a minimum sample the configured probability is kept;
- backtest: for past periods, the absolute error of a forecast made with configured vs calibrated
  probabilities against what was actually won.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class OpenDeal:
    """Open deals of one stage and group: `count` deals worth `amount` together (1 for a single deal)."""

    amount: Decimal
    probability: Decimal  # 0 … 1
    keys: dict  # what to group by: month, owner, team, stage …
    count: int = 1


def weighted(amount: Decimal, probability: Decimal) -> Decimal:
    return (amount * probability).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_pipeline(deals: Iterable[OpenDeal], by: Sequence[str]) -> dict[tuple, dict[str, Decimal]]:
    """Sum of amounts and of weighted amounts per group (`by` names keys of each deal)."""
    totals: dict[tuple, dict[str, Decimal]] = defaultdict(
        lambda: {"count": 0, "amount": Decimal("0"), "weighted": Decimal("0")}
    )
    for deal in deals:
        group = totals[tuple(deal.keys[name] for name in by)]
        group["count"] += deal.count
        group["amount"] += deal.amount
        group["weighted"] += weighted(deal.amount, deal.probability)
    return dict(totals)


def forecast_views(
    deals: Iterable[OpenDeal], *, best_case: Decimal = Decimal("0.5"), commit: Decimal = Decimal("0.75")
) -> dict[str, Decimal]:
    """Pipeline (all open), best case (probability ≥ best_case), commit (≥ commit) and the weighted total."""
    views = {
        "pipeline": Decimal("0"),
        "best_case": Decimal("0"),
        "commit": Decimal("0"),
        "weighted": Decimal("0"),
    }
    for deal in deals:
        views["pipeline"] += deal.amount
        views["weighted"] += weighted(deal.amount, deal.probability)
        if deal.probability >= best_case:
            views["best_case"] += deal.amount
        if deal.probability >= commit:
            views["commit"] += deal.amount
    return views


@dataclass(frozen=True)
class ClosedDeal:
    """Closed deals that reached the same furthest stage with the same outcome: `count` of them."""

    reached: int  # index of the furthest stage reached
    won: bool
    count: int = 1


@dataclass(frozen=True)
class Calibration:
    probability: Decimal  # 0 … 1
    sample: int
    calibrated: bool  # False: the configured probability was kept (sample too small)


def calibrate(
    closed: Iterable[ClosedDeal], configured: Sequence[Decimal], *, min_sample: int = 20
) -> list[Calibration]:
    """Per stage: wins among closed deals that reached it ÷ those deals; configured below `min_sample`."""
    reached = [0] * len(configured)
    won = [0] * len(configured)
    for deal in closed:
        last = len(configured) - 1 if deal.won else min(deal.reached, len(configured) - 1)
        for index in range(last + 1):
            reached[index] += deal.count
            won[index] += deal.count if deal.won else 0
    result = []
    for index, probability in enumerate(configured):
        if reached[index] >= min_sample:
            share = (Decimal(won[index]) / Decimal(reached[index])).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            result.append(Calibration(share, reached[index], True))
        else:
            result.append(Calibration(probability, reached[index], False))
    return result


@dataclass(frozen=True)
class BacktestRow:
    period: Hashable
    actual: Decimal
    configured: Decimal
    calibrated: Decimal

    @property
    def configured_error(self) -> Decimal:
        return abs(self.configured - self.actual)

    @property
    def calibrated_error(self) -> Decimal:
        return abs(self.calibrated - self.actual)


def backtest(
    snapshots: Iterable[tuple[Hashable, Sequence[tuple[Decimal, int]], Decimal]],
    configured: Sequence[Decimal],
    calibrated: Sequence[Decimal],
) -> list[BacktestRow]:
    """For each period: the open deals then (amount, stage index) and what was won; both forecasts."""
    rows = []
    for period, deals, actual in snapshots:
        rows.append(
            BacktestRow(
                period,
                actual,
                sum((weighted(amount, configured[stage]) for amount, stage in deals), Decimal("0")),
                sum((weighted(amount, calibrated[stage]) for amount, stage in deals), Decimal("0")),
            )
        )
    return rows
