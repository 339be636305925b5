"""The buying center's arithmetic (M4.3 relationship weight, M4.4 support), pure: plain values in, plain
values out, no ORM — so it is tested with exact values and hypothesis.

The support scale is the attitude letter's value (kam.pipeline.attitude.support_value, M2.6):

    A recommends +2 · B supports +1 · C accepts 0 · D doubts −1 · E opposes −2

The + / − refinements order attitudes for the ↑ / ↓ arrows but do not change the value. An unknown
attitude (nobody has found out yet) counts 0 in the score and is reported as "unknown" in the split.

    support score = Σ weight % × value / 100          (from −2: all weight opposes, to +2: all recommends)

The relationship is **at risk** when the weight of the opponents plus the weight not (yet) on our side —
neutrals and unknowns — is greater than the weight of the supporters. A neutral has not decided for us:
the method says to *win over* the neutrals (M4.4), so their weight is not counted as ours.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kam.pipeline.attitude import arrow, support_value

SUPPORTER, NEUTRAL, OPPONENT, UNKNOWN = "supporter", "neutral", "opponent", "unknown"
FULL = 100  # the weights of one phase total 100 %


def stance(attitude: str) -> str:
    """M4.3's "current relationship": supporter (A, B), neutral (C), opponent (D, E) or unknown (blank)."""
    if not attitude:
        return UNKNOWN
    value = support_value(attitude)
    return SUPPORTER if value > 0 else OPPONENT if value < 0 else NEUTRAL


class WeightsError(ValueError):
    """The weights of a phase do not total 100 %; `total` is the sum that was entered."""

    def __init__(self, total: int):
        super().__init__(f"weights total {total} %, not {FULL} %")
        self.total = total


def check_phase_weights(weights: Mapping[object, int | None]) -> int | None:
    """The total of one phase's weights, or None when none is set (the phase is cleared).

    Every set weight is a whole percent from 0 to 100, and the set weights total exactly 100; blanks count
    as 0 once any weight is set. Raises WeightsError (with the total) otherwise, ValueError for a bad value.
    """
    values = [w for w in weights.values() if w is not None]
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= FULL:
            raise ValueError(f"a weight is a whole percent from 0 to {FULL}, not {value!r}")
    if not values:
        return None
    total = sum(values)
    if total != FULL:
        raise WeightsError(total)
    return total


@dataclass(frozen=True)
class Weighed:
    """One stakeholder as the score sees them: attitude ("" when unknown) and weight % in the phase."""

    attitude: str
    weight: int


@dataclass(frozen=True)
class Split:
    """The weight % held by supporters, neutrals, opponents and people whose attitude is unknown."""

    supporters: int
    neutrals: int
    opponents: int
    unknown: int

    @property
    def undecided(self) -> int:
        return self.neutrals + self.unknown

    @property
    def against(self) -> int:
        """Weight not on our side: opponents plus the undecided."""
        return self.opponents + self.undecided

    @property
    def at_risk(self) -> bool:
        """Opponents and the undecided together outweigh the supporters."""
        return self.against > self.supporters


def weight_split(people: Iterable[Weighed]) -> Split:
    held = {SUPPORTER: 0, NEUTRAL: 0, OPPONENT: 0, UNKNOWN: 0}
    for person in people:
        held[stance(person.attitude)] += person.weight
    return Split(held[SUPPORTER], held[NEUTRAL], held[OPPONENT], held[UNKNOWN])


def support_score(people: Iterable[Weighed]) -> Decimal:
    """Σ weight % × attitude value / 100, exact to two decimals (unknown attitudes count 0)."""
    points = sum(person.weight * support_value(person.attitude) for person in people if person.attitude)
    return (Decimal(points) / FULL).quantize(Decimal("0.01"))


_LEADING_NUMBER = re.compile(r"^\s*(\d+)")


def step_of(procurement_step: str) -> int | None:
    """The M3.1 step number a stage's "customer's procurement step" text starts with ("5 对外…" → 5)."""
    match = _LEADING_NUMBER.match(procurement_step or "")
    return int(match.group(1)) if match else None


def effective_phase(current: str | None, weighted: Iterable[str], order: Sequence[str]) -> str:
    """The phase whose weights to use: the current stage's, if weights are set for it; else the first phase
    (in process order) that has weights; else the current phase (or the first one when unknown)."""
    weighted = set(weighted)
    if current in weighted:
        return current
    return next((phase for phase in order if phase in weighted), current or order[0])


def arrows(attitudes: Sequence[str]) -> list[str]:
    """The arrow of each report against the one before it (the first has none): ↑ warmer, ↓ cooler, → same."""
    return [arrow(attitudes[i - 1] if i else None, attitude) for i, attitude in enumerate(attitudes)]
