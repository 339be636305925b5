"""Funnel diagnosis (M3.7) — pure arithmetic, no ORM.

Two funnels:
- the *activity* funnel counts contact-log entries per step (phone appointment → visit → technical
  exchange → proposal → negotiation, plus deals won) and compares each step-to-step ratio with a
  benchmark (the method's 250 : 125 : 25 : 5 : 1); the *leakiest* step is the transition whose
  observed ratio falls furthest below its benchmark ratio, measured relatively (observed ÷ benchmark);
- the *stage* funnel counts opportunities that reached each stage: a won deal counts at every stage,
  a lost or open one up to the stage it reached.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.utils.translation import gettext as _

#: M3.7's benchmark: phone appointments, visits, technical exchanges, proposals, negotiations.
DEFAULT_BENCHMARK: tuple[tuple[str, int], ...] = (
    ("phone", 250),
    ("visit", 125),
    ("technical_exchange", 25),
    ("proposal", 5),
    ("negotiation", 1),
)


#: A benchmark needs a top and at least one step below it to give a ratio.
MIN_BENCHMARK_STEPS = 2


def benchmark_errors(steps: Sequence[tuple[str, int]]) -> list[str]:
    """What is wrong with a benchmark ((kind, number) from the top of the funnel), in words; [] when fine."""
    errors = []
    if len(steps) < MIN_BENCHMARK_STEPS:
        errors.append(_("Give at least two steps: a ratio needs a step and the one before it."))
    kinds = [kind for kind, _number in steps]
    if len(set(kinds)) != len(kinds):
        errors.append(_("Each kind of contact can be one step only."))
    if any(number < 1 for _kind, number in steps):
        errors.append(_("Each benchmark number must be 1 or more."))
    return errors


@dataclass(frozen=True)
class FunnelStep:
    step: str
    count: int
    #: count ÷ previous step's count (None for the first step or when the previous count is 0)
    ratio: Decimal | None
    benchmark: int
    benchmark_ratio: Decimal | None
    #: ratio ÷ benchmark_ratio: 1 = as the benchmark, below 1 = leaking (None when not computable)
    performance: Decimal | None


def _div(a: int | Decimal, b: int | Decimal, places: str = "0.0001") -> Decimal | None:
    if not b:
        return None
    return (Decimal(a) / Decimal(b)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def activity_funnel(
    counts: dict[str, int], benchmark: Sequence[tuple[str, int]] = DEFAULT_BENCHMARK
) -> list[FunnelStep]:
    """Each benchmark step with its observed count, step-to-step ratio and performance vs the benchmark."""
    steps: list[FunnelStep] = []
    previous: tuple[int, int] | None = None
    for step, bench in benchmark:
        count = int(counts.get(step, 0))
        if previous is None:
            ratio = bench_ratio = performance = None
        else:
            ratio = _div(count, previous[0])
            bench_ratio = _div(bench, previous[1])
            performance = _div(ratio, bench_ratio) if ratio is not None and bench_ratio else None
        steps.append(FunnelStep(step, count, ratio, bench, bench_ratio, performance))
        previous = (count, bench)
    return steps


def leakiest_step(steps: Sequence[FunnelStep]) -> FunnelStep | None:
    """The step whose conversion from the previous one is furthest below the benchmark (performance < 1)."""
    leaking = [s for s in steps if s.performance is not None and s.performance < 1]
    return min(leaking, key=lambda s: s.performance, default=None)


@dataclass(frozen=True)
class OpportunityPath:
    """How far one opportunity got: the index of the furthest stage reached, and whether it was won."""

    reached: int
    won: bool = False


def stage_funnel(paths: Iterable[OpportunityPath], stage_count: int) -> list[int]:
    """How many opportunities reached each stage (a won deal counts at every stage)."""
    reached = [0] * stage_count
    for path in paths:
        last = stage_count - 1 if path.won else min(path.reached, stage_count - 1)
        for index in range(last + 1):
            reached[index] += 1
    return reached


def stage_conversion(reached: Sequence[int]) -> list[Decimal | None]:
    """Share of those at a stage who reached the next one (None for the last stage or an empty stage)."""
    return [_div(reached[i + 1], reached[i]) if i + 1 < len(reached) else None for i in range(len(reached))]


def median_days(durations: dict[str, list[float]]) -> dict[str, float | None]:
    """Median days spent per stage, from the durations of completed stays."""
    return {stage: (median(values) if values else None) for stage, values in durations.items()}
