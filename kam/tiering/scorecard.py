"""The customer value scorecard of M1.3 and the Platinum / Gold / Silver tiers. Pure: no ORM.

A model (a plain dict, `DEFAULT_CONFIG` shows every key) weighs indicators inside four perspectives —
financial ("what value does the customer create for us"), service ("how do we perform in its eyes"),
customer ("its development potential") and sales ("sales achieved") — and the perspectives against each
other. Weights are whole percentages that add up to 100 inside a perspective and across perspectives.

**Normalisation.** Indicators come in cents, tenths of a percent, days or counts; each becomes 0–100
points before it is weighed, over the accounts that have a value for it:

- ``percentile`` (default): the share of the other measured accounts whose value is strictly worse —
  100 × below ÷ (m − 1). The best gets 100, the worst 0, equal values equal points; an outlier cannot
  stretch the scale. A lone measured account gets 100.
- ``minmax``: the value's place between the low and high ends, 100 × (v − lo) ÷ (hi − lo), after
  *winsorising*: lo and hi are the values at `winsor_pct` % from each end of the sorted values (nearest
  rank), and anything beyond them counts as them. When lo = hi, a value above it gets 100, others 0.

For an indicator where less is better (collection days, complaint share …) "worse" means larger. An
account with no value for an indicator (no payments → no collection days) gets 0 points for it: no
evidence, no points. Points are kept in tenths (0–1000) as integers, so every score below is exact.

**Scores.** The total is Σ perspective weight × Σ indicator weight × points ÷ 10,000; a perspective's
score is its own Σ indicator weight × points ÷ 100. *Current value* (现实价值) is the weighted mean of the
perspectives that measure what the account brings now, *potential value* (潜在价值) of those that measure
what it could bring (by default the customer perspective). All are rounded half up to 0.1 at the end.

**Tiers.** Either ``score``: minimum total scores for Platinum, Gold and Silver; or ``top``: cumulative
shares of the scored accounts (total > 0), e.g. (5, 20, 50) — the top 5 % Platinum, the next 15 % Gold,
the next 30 % Silver — where an account's rank is 1 + the number of accounts with a strictly higher total.
Either way a higher total never gets a lower tier and equal totals get the same tier.

**The five mistakes.** `model_warnings` flags a model in which one indicator carries more than half of
the total weight (mistake 1, "single indicator, high risk") and one that weighs volume but not margin
(mistakes 3 and 5: volume or a big ticket is not value).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

FINANCIAL, SERVICE, CUSTOMER, SALES = "financial", "service", "customer", "sales"
PERSPECTIVES = (FINANCIAL, SERVICE, CUSTOMER, SALES)
CURRENT, POTENTIAL = "current", "potential"
NORMALISATIONS = ("percentile", "minmax")
TIER_RULES = ("score", "top")
#: Tier codes, best first; 0 is "no tier".
PLATINUM, GOLD, SILVER, NONE = "platinum", "gold", "silver", ""
TIERS = (PLATINUM, GOLD, SILVER)
TIER_RANK = {PLATINUM: 3, GOLD: 2, SILVER: 1, NONE: 0}
CODE_TIER = {rank: tier for tier, rank in TIER_RANK.items()}


@dataclass(frozen=True)
class Indicator:
    """A scorecard indicator: its unit, whether more is better, and what kind of evidence it is."""

    key: str
    perspective: str  # where the default model puts it
    unit: str  # money (cents) · pct (tenths of a percent) · days (tenths) · count · years
    higher_is_better: bool = True
    volume: bool = False  # how much is bought (mistakes 3 and 5)
    margin: bool = False  # what it earns us


INDICATORS = {
    i.key: i
    for i in (
        Indicator("revenue", FINANCIAL, "money", volume=True),
        Indicator("profit", FINANCIAL, "money", margin=True),
        Indicator("gross_margin_pct", FINANCIAL, "pct", margin=True),
        Indicator("collection_days", FINANCIAL, "days", higher_is_better=False),
        Indicator("debt_ratio_pct", FINANCIAL, "pct", higher_is_better=False),
        Indicator("praise_pct", SERVICE, "pct"),
        Indicator("complaint_pct", SERVICE, "pct", higher_is_better=False),
        Indicator("returns_pct", SERVICE, "pct", higher_is_better=False),
        Indicator("expected_sales", CUSTOMER, "money", volume=True),
        Indicator("revenue_growth_pct", CUSTOMER, "pct"),
        Indicator("annual_revenue", CUSTOMER, "money"),
        Indicator("registered_capital", CUSTOMER, "money"),
        Indicator("open_opportunities", CUSTOMER, "count"),
        Indicator("transactions", SALES, "count", volume=True),
        Indicator("average_deal", SALES, "money", volume=True),
        Indicator("largest_deal", SALES, "money", volume=True),
        Indicator("purchase_cycle_days", SALES, "days", higher_is_better=False),
        Indicator("tenure_days", SALES, "count"),
    )
}

DEFAULT_CONFIG = {
    "period_months": 12,
    "value_measure": "revenue",  # what the Pareto curve and the pyramid rank by: revenue | profit
    "pyramid_rule": "top",
    "pyramid_cutoffs": [1, 5, 20],
    "normalisation": "percentile",
    "winsor_pct": 5,
    "perspectives": {
        FINANCIAL: {
            "weight": 35,
            "value": CURRENT,
            "indicators": {
                "revenue": 30, "profit": 30, "gross_margin_pct": 20, "collection_days": 10,
                "debt_ratio_pct": 10,
            },
        },
        SERVICE: {
            "weight": 15,
            "value": CURRENT,
            "indicators": {"complaint_pct": 40, "praise_pct": 30, "returns_pct": 30},
        },
        CUSTOMER: {
            "weight": 25,
            "value": POTENTIAL,
            "indicators": {
                "expected_sales": 35, "revenue_growth_pct": 25, "annual_revenue": 25,
                "open_opportunities": 15,
            },
        },
        SALES: {
            "weight": 25,
            "value": CURRENT,
            "indicators": {
                "transactions": 30, "average_deal": 20, "purchase_cycle_days": 25, "tenure_days": 25,
            },
        },
    },
    "tier_rule": "top",
    "tier_cutoffs": [5, 20, 50],
    "policies": {PLATINUM: "", GOLD: "", SILVER: ""},
}  # fmt: skip


# Validation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A configuration error: the field it is about (a path such as "perspectives.sales.weight"), a code
    the caller turns into a message, and the numbers the message needs."""

    field: str
    code: str
    params: tuple = ()


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_config(config: Mapping) -> list[Problem]:
    """Everything wrong with a model configuration; empty when it can be scored."""
    problems: list[Problem] = []
    if not _whole(config.get("period_months")) or not 1 <= config["period_months"] <= 36:
        problems.append(Problem("period_months", "range", (1, 36)))
    if config.get("value_measure") not in ("revenue", "profit"):
        problems.append(Problem("value_measure", "choice"))
    if config.get("pyramid_rule") not in ("top", "share"):
        problems.append(Problem("pyramid_rule", "choice"))
    problems += _check_cutoffs("pyramid_cutoffs", config.get("pyramid_cutoffs"), rising=True)
    if config.get("normalisation") not in NORMALISATIONS:
        problems.append(Problem("normalisation", "choice"))
    if not _whole(config.get("winsor_pct")) or not 0 <= config["winsor_pct"] <= 25:
        problems.append(Problem("winsor_pct", "range", (0, 25)))
    perspectives = config.get("perspectives")
    if not isinstance(perspectives, Mapping) or set(perspectives) != set(PERSPECTIVES):
        return [*problems, Problem("perspectives", "perspectives")]
    total, kinds = 0, set()
    for name in PERSPECTIVES:
        spec = perspectives[name]
        weight = spec.get("weight")
        if not _whole(weight) or not 0 <= weight <= 100:
            problems.append(Problem(f"perspectives.{name}.weight", "range", (0, 100)))
            continue
        total += weight
        if spec.get("value") not in (CURRENT, POTENTIAL):
            problems.append(Problem(f"perspectives.{name}.value", "choice"))
        elif weight:
            kinds.add(spec["value"])
        weights = spec.get("indicators") or {}
        unknown = [key for key in weights if key not in INDICATORS]
        if unknown:
            problems.append(Problem(f"perspectives.{name}.indicators", "unknown", (", ".join(unknown),)))
            continue
        if any(not _whole(w) or not 0 <= w <= 100 for w in weights.values()):
            problems.append(Problem(f"perspectives.{name}.indicators", "range", (0, 100)))
        elif weight and sum(weights.values()) != 100:
            problems.append(Problem(f"perspectives.{name}.indicators", "sum", (sum(weights.values()),)))
    used = [key for spec in perspectives.values() for key, w in (spec.get("indicators") or {}).items() if w]
    twice = sorted({key for key in used if used.count(key) > 1})
    if twice:
        problems.append(Problem("perspectives", "twice", (", ".join(twice),)))
    if total != 100 and not any(p.field.endswith(".weight") for p in problems):
        problems.append(Problem("perspectives", "sum", (total,)))
    if total and CURRENT not in kinds:
        problems.append(Problem("perspectives", "no_current"))
    if config.get("tier_rule") not in TIER_RULES:
        problems.append(Problem("tier_rule", "choice"))
    else:
        problems += _check_cutoffs(
            "tier_cutoffs", config.get("tier_cutoffs"), rising=config["tier_rule"] == "top"
        )
    return problems


def _check_cutoffs(field: str, cutoffs, *, rising: bool) -> list[Problem]:
    """Three whole numbers within 1–100, rising (cumulative shares) or falling (minimum scores)."""
    if not isinstance(cutoffs, list | tuple) or len(cutoffs) != 3 or not all(_whole(c) for c in cutoffs):
        return [Problem(field, "three")]
    if not all(1 <= c <= 100 for c in cutoffs):
        return [Problem(field, "range", (1, 100))]
    ordered = cutoffs[0] < cutoffs[1] < cutoffs[2] if rising else cutoffs[0] > cutoffs[1] > cutoffs[2]
    return [] if ordered else [Problem(field, "rising" if rising else "falling")]


def weighted_indicators(config: Mapping) -> list[tuple[str, str, int, int]]:
    """(perspective, indicator, perspective weight, indicator weight) of every weighed indicator, in order."""
    return [
        (name, key, spec["weight"], weight)
        for name in PERSPECTIVES
        for spec in (config["perspectives"][name],)
        for key, weight in spec["indicators"].items()
        if weight and spec["weight"]
    ]


def effective_weights(config: Mapping) -> dict[str, float]:
    """Each indicator's share of the total score, in percent (perspective weight × indicator weight)."""
    return {key: pw * w / 100 for _name, key, pw, w in weighted_indicators(config)}


@dataclass(frozen=True)
class Warning:
    code: str  # single_indicator | volume_only
    indicator: str = ""
    weight: float = 0.0


def model_warnings(config: Mapping) -> list[Warning]:
    """The five-mistakes guards: one indicator over half the weight; volume weighed, margin not."""
    weights = effective_weights(config)
    warnings = [Warning("single_indicator", key, weight) for key, weight in weights.items() if weight > 50]
    volume = sum(w for key, w in weights.items() if INDICATORS[key].volume)
    margin = sum(w for key, w in weights.items() if INDICATORS[key].margin)
    if volume and not margin:
        warnings.append(Warning("volume_only", weight=volume))
    return warnings


# Normalisation ------------------------------------------------------------------------------------------


def half_up(numerator, denominator):
    """numerator ÷ denominator rounded half up, for non-negative integers or int64 arrays."""
    return (numerator * 2 + denominator) // (denominator * 2)


def _below(values: np.ndarray) -> np.ndarray:
    """For each value, how many values are smaller: one sort, each run of equal values taking the position
    of its first member (a binary search per value cost twice as much at 100,000 accounts)."""
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    starts = np.zeros(len(values), dtype=np.int64)
    starts[1:] = np.where(ranked[1:] != ranked[:-1], np.arange(1, len(values)), 0)
    below = np.empty(len(values), dtype=np.int64)
    below[order] = np.maximum.accumulate(starts)
    return below


def normalise(
    values, present, *, higher_is_better: bool, method: str = "percentile", winsor_pct: int = 5
) -> np.ndarray:
    """Points in tenths (0–1000) for each account; accounts without a value (`present` false) get 0."""
    values = np.asarray(values, dtype=np.int64)
    present = np.asarray(present, dtype=bool)
    points = np.zeros(len(values), dtype=np.int64)
    measured = values[present] if higher_is_better else -values[present]
    m = len(measured)
    if not m:
        return points
    if method == "percentile":
        if m == 1:
            points[present] = 1000
        else:
            points[present] = half_up(_below(measured) * 1000, m - 1)
        return points
    ranked = np.sort(measured)
    if method == "minmax":
        k = winsor_pct * (m - 1) // 100
        low, high = int(ranked[k]), int(ranked[m - 1 - k])
        if high == low:
            points[present] = np.where(measured > high, 1000, 0)
        else:
            clipped = np.clip(measured, low, high) - low
            points[present] = half_up(clipped * 1000, high - low)
    else:
        raise ValueError(f"unknown normalisation {method!r}")
    return points


# Scoring --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    """Per account (arrays in input order), all in tenths of a point (0–1000)."""

    points: dict[str, np.ndarray]  # indicator → points
    perspectives: dict[str, np.ndarray]
    total: np.ndarray
    current: np.ndarray
    potential: np.ndarray | None  # None when no perspective measures potential


def score(config: Mapping, indicators: Mapping[str, tuple]) -> Scores:
    """Score every account: `indicators` maps each weighed indicator to (values, present) arrays."""
    weighed = weighted_indicators(config)
    size = len(next(iter(indicators.values()))[0]) if indicators else 0
    method, winsor = config["normalisation"], config["winsor_pct"]
    points = {}
    for _name, key, _pw, _w in weighed:
        values, present = indicators[key]
        points[key] = normalise(
            values,
            present,
            higher_is_better=INDICATORS[key].higher_is_better,
            method=method,
            winsor_pct=winsor,
        )
    raw = {}  # perspective → Σ indicator weight × points (tenths × 100)
    for name, key, _pw, weight in weighed:
        raw[name] = raw.get(name, np.zeros(size, dtype=np.int64)) + weight * points[key]
    zero = np.zeros(size, dtype=np.int64)
    perspectives = {name: half_up(raw.get(name, zero), 100) for name in PERSPECTIVES}

    def blend(names: Sequence[str]) -> np.ndarray | None:
        spec = config["perspectives"]
        weights = {name: spec[name]["weight"] for name in names if spec[name]["weight"]}
        if not weights:
            return None
        summed = sum((weight * raw.get(name, zero) for name, weight in weights.items()), zero)
        return half_up(summed, 100 * sum(weights.values()))

    spec = config["perspectives"]
    return Scores(
        points=points,
        perspectives=perspectives,
        total=blend(PERSPECTIVES) if any(spec[p]["weight"] for p in PERSPECTIVES) else zero,
        current=blend([p for p in PERSPECTIVES if spec[p]["value"] == CURRENT]),
        potential=blend([p for p in PERSPECTIVES if spec[p]["value"] == POTENTIAL]),
    )


def tier_codes(total, *, rule: str, cutoffs: Sequence[int]) -> np.ndarray:
    """Per account, 3 (Platinum), 2 (Gold), 1 (Silver) or 0 from its total score (tenths).

    ``score``: cut-offs are minimum totals in points (Platinum first); ``top``: cumulative percentages of
    the scored accounts (total > 0), compared as 100 × (accounts scoring strictly higher) < cut-off × n.
    """
    total = np.asarray(total, dtype=np.int64)
    codes = np.zeros(len(total), dtype=np.int8)
    if rule == "score":
        for code, minimum in zip((1, 2, 3), reversed(cutoffs), strict=True):
            codes[total >= minimum * 10] = code
        return codes
    if rule != "top":
        raise ValueError(f"unknown tier rule {rule!r}")
    scored = total > 0
    ranked = np.sort(total[scored])
    n = len(ranked)
    above = n - np.searchsorted(ranked, total[scored], side="right")
    mine = np.zeros(len(above), dtype=np.int8)
    for code, share in zip((1, 2, 3), reversed(cutoffs), strict=True):
        mine[above * 100 < share * n] = code
    codes[scored] = mine
    return codes


def tiers(total, *, rule: str, cutoffs: Sequence[int]) -> list[str]:
    return [CODE_TIER[int(code)] for code in tier_codes(total, rule=rule, cutoffs=cutoffs)]


# Explanation ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """What one indicator added to an account's total: points × its share of the weight."""

    perspective: str
    indicator: str
    value: int | None  # in the indicator's unit; None: no value
    points: int  # tenths, 0–1000
    weight: float  # percent of the total score
    contribution: float  # points of the total (0–100 scale)


def explain(
    config: Mapping, values: Mapping[str, int | None], points: Mapping[str, int]
) -> list[Contribution]:
    """An account's total, indicator by indicator, largest contribution first (ties by catalogue order)."""
    rows = [
        Contribution(
            perspective=name,
            indicator=key,
            value=values.get(key),
            points=int(points.get(key, 0)),
            weight=pw * w / 100,
            contribution=pw * w * int(points.get(key, 0)) / 100_000,
        )
        for name, key, pw, w in weighted_indicators(config)
    ]
    order = list(INDICATORS)
    return sorted(rows, key=lambda row: (-row.contribution, order.index(row.indicator)))


def change_reasons(
    config: Mapping, before: Mapping[str, int], after: Mapping[str, int], limit: int = 3
) -> list[tuple[str, float]]:
    """The indicators whose points moved an account's total most between two runs of the same model:
    (indicator, change in points of the total), largest movement first."""
    moves = [
        (key, pw * w * (int(after.get(key, 0)) - int(before.get(key, 0))) / 100_000)
        for _name, key, pw, w in weighted_indicators(config)
    ]
    order = list(INDICATORS)
    moves = [move for move in moves if move[1]]
    return sorted(moves, key=lambda move: (-abs(move[1]), order.index(move[0])))[:limit]


def placing_reasons(keys: Sequence[str], weights, points, limit: int = 3) -> list[tuple[str, float]]:
    """The indicators that placed an account on its first tiering: its largest contributions (points of
    the total), largest first. `weights` are perspective weight × indicator weight, aligned with `keys`."""
    order = list(INDICATORS)
    contributions = [
        (key, int(weight) * int(point) / 100_000)
        for key, weight, point in zip(keys, weights, points, strict=True)
        if int(weight) * int(point)
    ]
    return sorted(contributions, key=lambda item: (-item[1], order.index(item[0])))[:limit]
