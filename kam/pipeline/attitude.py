"""Attitudes of key influencers (M2.6): A recommends · B supports · C accepts · D doubts · E opposes,
refined with + / −. Pure functions: ranks for comparison, the arrow between two reports, and the
support value used by the buying-center score (A = +2 … E = −2)."""

LETTER_VALUE = {"A": 2, "B": 1, "C": 0, "D": -1, "E": -2}
_REFINEMENT = {"+": 1, "": 0, "-": -1}


def rank(attitude: str) -> int:
    """A comparable rank: A+ = 14 … E− = 0 (each letter spans three refinements)."""
    letter, sign = attitude[0], attitude[1:]
    return (LETTER_VALUE[letter] + 2) * 3 + 1 + _REFINEMENT[sign]


def arrow(before: str | None, now: str) -> str:
    """↑ warmer, ↓ cooler, → unchanged, "" when there was no earlier report."""
    if not before:
        return ""
    difference = rank(now) - rank(before)
    return "↑" if difference > 0 else "↓" if difference < 0 else "→"


def support_value(attitude: str) -> int:
    """The letter's value on the support scale (A = +2, B = +1, C = 0, D = −1, E = −2)."""
    return LETTER_VALUE[attitude[0]]
