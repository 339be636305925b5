"""M2.1's industry attractiveness matrix, pure: criteria scored per industry, a computed total per industry,
the average, a star for industries at or above it, and a suggested class.

    total(industry) = Σ direction × weight × score        (direction +1, or −1 for competition, difficulty …)

Totals are always computed, never typed: a total printed on an old spreadsheet is only compared with the
computed one (the seed's Telecom column prints 46 but its scores sum to 44). A missing score counts as 0.

The class rule compares a total with the average of all totals: key (重点) from `key_percent` % of the
average, potential (潜力) from `potential_percent` %, watch (观察) below. It only proposes; a person may
override it.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

KEY, POTENTIAL, WATCH = "key", "potential", "watch"


@dataclass(frozen=True)
class Criterion:
    key: Hashable
    direction: int  # +1 or −1
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class ClassRule:
    """Thresholds as percentages of the average total (100 = the average itself)."""

    key_percent: Decimal = Decimal(100)
    potential_percent: Decimal = Decimal(80)


@dataclass(frozen=True)
class Assessment:
    key: Hashable
    total: Decimal
    starred: bool
    suggested: str
    rank: int
    printed_total: Decimal | None
    mismatch: bool


def contribution(criterion: Criterion, score: Decimal | int | None) -> Decimal:
    """What one score adds to its industry's total (0 when not scored)."""
    if score is None:
        return Decimal(0)
    return criterion.direction * criterion.weight * Decimal(score)


def total(criteria: Sequence[Criterion], scores: Mapping[Hashable, Decimal | int | None]) -> Decimal:
    return sum((contribution(c, scores.get(c.key)) for c in criteria), Decimal(0))


def average(totals: Sequence[Decimal]) -> Decimal | None:
    """The exact mean (None without industries); shown rounded, compared unrounded."""
    if not totals:
        return None
    return sum(totals, Decimal(0)) / len(totals)


def suggest(total_: Decimal, mean: Decimal | None, rule: ClassRule = ClassRule()) -> str:
    if mean is None:
        return WATCH
    if total_ >= mean * rule.key_percent / 100:
        return KEY
    if total_ >= mean * rule.potential_percent / 100:
        return POTENTIAL
    return WATCH


def ranks(totals: Mapping[Hashable, Decimal]) -> dict[Hashable, int]:
    """Competition ranking (1, 2, 2, 4 …): equal totals share a rank."""
    ordered = sorted(totals.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in totals.items()}


def assess(
    criteria: Sequence[Criterion],
    scores: Mapping[Hashable, Mapping[Hashable, Decimal | int | None]],
    *,
    printed: Mapping[Hashable, Decimal | None] | None = None,
    rule: ClassRule = ClassRule(),
) -> list[Assessment]:
    """Every industry (the keys of `scores`, in their order) with its total, star, class and printed check."""
    printed = printed or {}
    totals = {key: total(criteria, row) for key, row in scores.items()}
    mean = average(list(totals.values()))
    rank_of = ranks(totals)
    return [
        Assessment(
            key=key,
            total=value,
            starred=mean is not None and value >= mean,
            suggested=suggest(value, mean, rule),
            rank=rank_of[key],
            printed_total=printed.get(key),
            mismatch=printed.get(key) is not None and printed[key] != value,
        )
        for key, value in totals.items()
    ]


def heat(score: Decimal | int | None, scale_max: int, direction: int = 1) -> int | None:
    """A cell's shade for the heatmap, 0 (unattractive) … 4 (attractive): how far the score is up its
    criterion's scale, read downwards for a negative criterion (strong competition is bad news)."""
    if score is None or scale_max <= 0:
        return None
    shade = min(4, max(0, int(Decimal(score) * 5 / Decimal(scale_max + 1))))
    return shade if direction > 0 else 4 - shade


def win_rate(won: int, lost: int) -> Decimal | None:
    """Won ÷ (won + lost) in %, one decimal; None before any deal is decided (abandoned deals not counted)."""
    decided = won + lost
    if not decided:
        return None
    return (Decimal(100) * won / decided).quantize(Decimal("0.1"))
