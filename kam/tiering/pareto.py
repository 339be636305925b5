"""The one rule of M1 — Pareto 20/80 — over per-account values. Pure: no ORM.

Accounts are ranked by a value (revenue or profit, in cents), largest first. The cumulative-share curve
joins the points (k ÷ n, value of the top k ÷ total) with straight lines, k = 0 … n, so it is defined for
any share of accounts, not only whole ones: "the top 20 %" of 7 accounts is 1.4 accounts, and their share
is read off the line between the first and the second account. With that one definition:

- the *top share* is the curve at 20 % (`top_pct`): the part of all value the top fifth brings;
- the *line* is where the curve first reaches 80 % (`line_pct`): the share of accounts that bring 80 %.

Only accounts with a positive value are ranked: an account without sales has no place on the curve, and an
account that lost money (negative profit) would make it fall. Those are counted apart (`excluded`, with
the sum of their negative values), so the curve never decreases and always ends at 100 %.

Arithmetic is exact (integers and fractions); shares are rounded half up to 0.1 % only when returned.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

#: How many points of the curve a chart gets at most (it is concave, so this many draw it faithfully).
CURVE_POINTS = 200


def tenth(value: Fraction) -> Decimal:
    """A non-negative fraction rounded half up to one decimal place."""
    scaled = value * 10
    return Decimal((scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)).scaleb(-1)


@dataclass(frozen=True)
class Pareto:
    accounts: int  # ranked: value > 0
    total: int  # their value, cents
    excluded: int  # accounts with a value of 0 or less
    excluded_total: int  # the sum of the negative values among them, cents (≤ 0)
    top_pct: int
    line_pct: int
    top_share_pct: Decimal | None  # share of the value the top `top_pct` % of accounts bring
    line_accounts_pct: Decimal | None  # share of the accounts that bring `line_pct` % of the value
    curve: tuple[tuple[Decimal, Decimal], ...]  # (accounts %, value %), from (0, 0) to (100, 100)

    def as_dict(self) -> dict:
        return {
            "accounts": self.accounts,
            "total": self.total,
            "excluded": self.excluded,
            "excluded_total": self.excluded_total,
            "top_pct": self.top_pct,
            "line_pct": self.line_pct,
            "top_share_pct": None if self.top_share_pct is None else str(self.top_share_pct),
            "line_accounts_pct": None if self.line_accounts_pct is None else str(self.line_accounts_pct),
            "curve": [[str(x), str(y)] for x, y in self.curve],
        }


def _ranked(values) -> tuple[np.ndarray, np.ndarray]:
    """Positive values, largest first, and their running sums (prefix[k] = value of the top k)."""
    array = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=np.int64)
    positive = np.sort(array[array > 0])[::-1]
    prefix = np.concatenate(([0], np.cumsum(positive, dtype=np.int64)))
    return positive, prefix


def _curve_at(positive: np.ndarray, prefix: np.ndarray, share: Fraction) -> Fraction:
    """The value share of the top `share` (0–1) of the ranked accounts, on the straight-line curve."""
    n = len(positive)
    position = share * n
    k = position.numerator // position.denominator
    if k >= n:
        return Fraction(1)
    reached = Fraction(int(prefix[k])) + (position - k) * int(positive[k])
    return reached / int(prefix[-1])


def _line(positive: np.ndarray, prefix: np.ndarray, line: Fraction) -> Fraction:
    """The smallest share of accounts whose curve value reaches `line` (0–1)."""
    target = line * int(prefix[-1])
    # k = the number of whole accounts before the one that crosses the line: prefix[k] < target ≤ prefix[k+1]
    k = int(np.searchsorted(prefix, target.numerator / target.denominator, side="left")) - 1
    k = max(k, 0)
    while k > 0 and Fraction(int(prefix[k])) >= target:  # float search: settle exactly
        k -= 1
    while k + 1 < len(prefix) and Fraction(int(prefix[k + 1])) < target:
        k += 1
    return (k + (target - int(prefix[k])) / int(positive[k])) / len(positive)


def pareto(
    values: Iterable[int], *, top_pct: int = 20, line_pct: int = 80, points: int = CURVE_POINTS
) -> Pareto:
    """The Pareto analysis of per-account values in cents (any order; the order never matters)."""
    if not (0 < top_pct < 100 and 0 < line_pct < 100):
        raise ValueError("top_pct and line_pct are percentages between 0 and 100")
    array = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=np.int64)
    positive, prefix = _ranked(array)
    rest = array[array <= 0]
    n = len(positive)
    common = {
        "accounts": n,
        "total": int(prefix[-1]),
        "excluded": len(rest),
        "excluded_total": int(rest.sum()),
        "top_pct": top_pct,
        "line_pct": line_pct,
    }
    if not n:
        return Pareto(**common, top_share_pct=None, line_accounts_pct=None, curve=())
    if n <= points:
        shares = [Fraction(k, n) for k in range(n + 1)]
    else:
        shares = [Fraction(i, points) for i in range(points + 1)]
    curve = tuple((tenth(x * 100), tenth(_curve_at(positive, prefix, x) * 100)) for x in shares)
    return Pareto(
        **common,
        top_share_pct=tenth(_curve_at(positive, prefix, Fraction(top_pct, 100)) * 100),
        line_accounts_pct=tenth(_line(positive, prefix, Fraction(line_pct, 100)) * 100),
        curve=curve,
    )
