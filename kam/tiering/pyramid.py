"""The customer value pyramid of M1.2: VIP, large, medium and small customers. Pure: no ORM.

Accounts with a positive value (revenue or profit in the period, cents) are ranked, largest first, and cut
into four layers by one of two policies; the cut-offs are cumulative percentages, one per upper layer:

- ``top``: by share of accounts — cut-offs (1, 5, 20) make the top 1 % VIP, the next 4 % large, the next
  15 % medium and the rest small;
- ``share``: by cumulative share of value — cut-offs (50, 75, 90) make VIP the largest accounts that
  together bring the first half of all value, large those that bring the next quarter, and so on.

An account belongs to the first layer whose line it starts before: under ``top`` when fewer than
cut-off × n ÷ 100 accounts are worth strictly more; under ``share`` when the accounts worth strictly
more bring less than cut-off % of the value (the account that crosses a line is inside it). Equal values
therefore always share a layer, a larger value is never in a lower layer, and the order of the input
does not matter. Accounts without a positive value are in no layer (None).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

VIP, LARGE, MEDIUM, SMALL = "vip", "large", "medium", "small"
LAYERS = (VIP, LARGE, MEDIUM, SMALL)
RULES = ("top", "share")


def check_cutoffs(cutoffs: Sequence[int]) -> None:
    """Three whole cumulative percentages, each above the one before, within 1–100."""
    if len(cutoffs) != 3:
        raise ValueError("three cut-offs: VIP, large, medium")
    if (
        not all(isinstance(c, int) and 0 < c <= 100 for c in cutoffs)
        or not cutoffs[0] < cutoffs[1] < cutoffs[2]
    ):
        raise ValueError("cut-offs are whole percentages rising within 1–100")


def layer_codes(values, *, rule: str, cutoffs: Sequence[int]) -> np.ndarray:
    """Per account, its layer as an index into LAYERS (0 = VIP … 3 = small), or -1 for no layer."""
    if rule not in RULES:
        raise ValueError(f"unknown pyramid rule {rule!r}")
    check_cutoffs(cutoffs)
    array = np.asarray(values, dtype=np.int64)
    codes = np.full(len(array), -1, dtype=np.int8)
    positive = array > 0
    ranked = np.sort(array[positive])  # ascending
    n = len(ranked)
    if not n:
        return codes
    mine = array[positive]
    # accounts worth strictly more than each account; "before a line" compares in integers: 100·x < c·whole
    above = n - np.searchsorted(ranked, mine, side="right")
    if rule == "top":
        position, whole = above.astype(np.int64), n
    else:
        suffix = np.concatenate((np.cumsum(ranked[::-1], dtype=np.int64)[::-1], [0]))  # value of ranked[i:]
        position, whole = suffix[n - above], int(suffix[0])
    layer = np.full(len(mine), 3, dtype=np.int8)
    for index in (2, 1, 0):
        layer[position * 100 < int(cutoffs[index]) * whole] = index
    codes[positive] = layer
    return codes


def layers(values, *, rule: str, cutoffs: Sequence[int]) -> list[str | None]:
    """Per account (in input order), its layer name or None."""
    return [LAYERS[code] if code >= 0 else None for code in layer_codes(values, rule=rule, cutoffs=cutoffs)]


@dataclass(frozen=True)
class Layer:
    layer: str
    accounts: int
    value: int  # cents


def summarise(values, codes) -> list[Layer]:
    """Accounts and value per layer, VIP first (every layer listed, empty ones with zeros)."""
    array = np.asarray(values, dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int8)
    return [
        Layer(name, int((codes == index).sum()), int(array[codes == index].sum()))
        for index, name in enumerate(LAYERS)
    ]
