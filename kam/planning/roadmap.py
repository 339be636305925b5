"""The arithmetic of an account plan, pure: the customised solution's roadmap (M2.4) and the service-support
balance (M2.5).

A measure's score is profitability + competitive situation + feasibility (each 1–5, so 3–15); the roadmap
lists the three horizons in order and, within each, the best-scored measures first — slide 26's principle of
phasing by those three criteria. A measure scoring at least `NOW_FROM` is suggested for "act now", at least
`MID_FROM` for 6–12 months; the planner decides.

Service support compares what we committed (people, hours, budget) with what we promised the customer: a
negative gap is a promise not yet covered.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

HORIZONS = ("now", "mid", "long")
NOW_FROM, MID_FROM = 12, 9


@dataclass(frozen=True)
class MeasureScore:
    key: Hashable
    horizon: str
    profitability: int
    competitive_situation: int
    feasibility: int

    @property
    def score(self) -> int:
        return self.profitability + self.competitive_situation + self.feasibility


def suggested_horizon(score: int) -> str:
    if score >= NOW_FROM:
        return "now"
    if score >= MID_FROM:
        return "mid"
    return "long"


def roadmap(measures: Sequence[MeasureScore]) -> dict[str, list[Hashable]]:
    """Measure keys per horizon, best score first (ties keep their order)."""
    lanes: dict[str, list[MeasureScore]] = {horizon: [] for horizon in HORIZONS}
    for measure in measures:
        lanes[measure.horizon].append(measure)
    return {horizon: [m.key for m in sorted(lane, key=lambda m: -m.score)] for horizon, lane in lanes.items()}


@dataclass(frozen=True)
class Commitment:
    committed: Decimal
    promised: Decimal

    @property
    def gap(self) -> Decimal:
        return self.committed - self.promised

    @property
    def covered(self) -> bool:
        return self.gap >= 0

    @property
    def shortfall(self) -> Decimal:
        """What is promised but not committed yet (0 when covered)."""
        return max(Decimal(0), -self.gap)


def balance(pairs: Sequence[tuple[Decimal | int, Decimal | int]]) -> Commitment:
    """The sum of (committed, promised) pairs."""
    return Commitment(
        committed=sum((Decimal(c) for c, _p in pairs), Decimal(0)),
        promised=sum((Decimal(p) for _c, p in pairs), Decimal(0)),
    )
