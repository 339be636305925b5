"""M4.4's project evaluation (technical and commercial bid), pure: plain values in, plain values out, no ORM
— so it is tested with exact values and hypothesis.

Each criterion has a weight; the weights of an evaluation total exactly 1. Every bidder — us and each
competitor — gets a score per criterion (1–5 in the product; any number here). Then

    weighted total   = Σ weight × score                 on the score's own scale, because Σ weight = 1
    unweighted sum   = Σ score                          what the slide printed (35 / 31 / 30); secondary only
    rank             = by weighted total, highest first; equal totals share a rank (1, 2, 2, 4)
    gap (criterion)  = our score − the best competitor's score on that criterion
    weighted gap     = weight × gap: the criterion's share of the difference in totals

The seed's table gives 4.35 (us), 3.85 (foreign competitor A) and 3.80 (domestic competitor B). Arithmetic
is Decimal throughout, so totals are exact and a tie is a tie. A bidder with a missing score has no total
and no rank until the score is entered: a partial total would rank them below where they stand.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

ONE = Decimal(1)
ZERO = Decimal(0)


class WeightsError(ValueError):
    """The weights do not total 1; `total` is the sum that was entered (shown to the user)."""

    def __init__(self, total: Decimal):
        super().__init__(f"weights total {total}, not 1")
        self.total = total


def check_weights(weights: Sequence[Decimal]) -> Decimal:
    """The total of the weights if it is exactly 1; WeightsError (carrying the total) otherwise.

    A weight is a Decimal (or the integer 0 or 1) from 0 to 1: floats are refused because 0.1 + 0.2 is not
    0.3 in binary, and an evaluation must not pass or fail on a rounding error. No weights at all total 0.
    """
    for weight in weights:
        if isinstance(weight, bool) or not isinstance(weight, Decimal | int) or not ZERO <= weight <= ONE:
            raise ValueError(f"a weight is a Decimal from 0 to 1, not {weight!r}")
    total = sum(weights, ZERO)
    if total != ONE:
        raise WeightsError(total)
    return total


@dataclass(frozen=True)
class Line:
    """One criterion: its weight and each bidder's score (None while not entered)."""

    key: Hashable
    weight: Decimal
    scores: Mapping[Hashable, Decimal | int | None]


@dataclass(frozen=True)
class Standing:
    """A bidder's result: weighted total, unweighted sum and rank (None while a score is missing)."""

    bidder: Hashable
    total: Decimal | None
    unweighted: Decimal | None
    rank: int | None
    missing: int


@dataclass(frozen=True)
class Gap:
    """Where we stand on one criterion against the competitors."""

    criterion: Hashable
    weight: Decimal
    ours: Decimal | None
    best_rival: Decimal | None
    best_rivals: tuple  # the competitors with the best score on this criterion
    against: Mapping[Hashable, Decimal | None]  # our score − theirs, per competitor

    @property
    def gap(self) -> Decimal | None:
        """Our score − the best competitor's (positive: we lead on this criterion)."""
        if self.ours is None or self.best_rival is None:
            return None
        return self.ours - self.best_rival

    @property
    def weighted(self) -> Decimal | None:
        gap = self.gap
        return None if gap is None else self.weight * gap


@dataclass(frozen=True)
class Result:
    us: Hashable
    standings: tuple[Standing, ...]  # ranked first (best first), then the unranked in bidder order
    gaps: tuple[Gap, ...]  # in criterion order

    def of(self, bidder: Hashable) -> Standing:
        return next(s for s in self.standings if s.bidder == bidder)

    @property
    def ours(self) -> Standing:
        return self.of(self.us)

    @property
    def complete(self) -> bool:
        return all(s.rank is not None for s in self.standings)

    @property
    def best_rival(self) -> Standing | None:
        """The competitor with the highest total (None when no competitor has one)."""
        ranked = [s for s in self.standings if s.bidder != self.us and s.total is not None]
        return ranked[0] if ranked else None

    @property
    def margin(self) -> Decimal | None:
        """Our total − the best competitor's total (positive: we lead)."""
        rival = self.best_rival
        if rival is None or self.ours.total is None:
            return None
        return self.ours.total - rival.total


def format_weight(value: Decimal) -> str:
    """A weight or a total of weights as people write it: two decimals (1.10), three when needed (0.125)."""
    return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else f"{value:.3f}"


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def ranks(totals: Mapping[Hashable, Decimal]) -> dict[Hashable, int]:
    """Standard competition ranking: 1 + the number of bidders with a strictly higher total."""
    return {key: 1 + sum(other > total for other in totals.values()) for key, total in totals.items()}


def evaluate(lines: Sequence[Line], bidders: Sequence[Hashable], *, us: Hashable) -> Result:
    """Totals, ranking and gaps of `bidders` (us among them) over the criteria `lines`.

    The weights are not checked here (see check_weights): the services refuse to store weights that do not
    total 1, and an evaluation with no criteria yet has totals of 0 for everybody, ranked equal.
    """
    if us not in bidders:
        raise ValueError("`us` must be one of the bidders")
    totals: dict[Hashable, Decimal] = {}
    standings = {}
    for bidder in bidders:
        scores = [_number(line.scores.get(bidder)) for line in lines]
        missing = sum(score is None for score in scores)
        total = unweighted = None
        if not missing:
            total = sum((line.weight * score for line, score in zip(lines, scores, strict=True)), ZERO)
            unweighted = sum(scores, ZERO)
            totals[bidder] = total
        standings[bidder] = (total, unweighted, missing)
    ranked = ranks(totals)
    order = sorted(bidders, key=lambda b: (b not in ranked, ranked.get(b, 0), bidders.index(b)))
    rivals = [b for b in bidders if b != us]
    gaps = []
    for line in lines:
        ours = _number(line.scores.get(us))
        theirs = {rival: _number(line.scores.get(rival)) for rival in rivals}
        known = {rival: score for rival, score in theirs.items() if score is not None}
        best = max(known.values(), default=None)
        gaps.append(
            Gap(
                criterion=line.key,
                weight=line.weight,
                ours=ours,
                best_rival=best,
                best_rivals=tuple(r for r, score in known.items() if score == best),
                against={
                    rival: None if ours is None or score is None else ours - score
                    for rival, score in theirs.items()
                },
            )
        )
    return Result(
        us=us,
        standings=tuple(Standing(b, *standings[b][:2], ranked.get(b), standings[b][2]) for b in order),
        gaps=tuple(gaps),
    )
