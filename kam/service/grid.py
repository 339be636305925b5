"""The 25-cell grid (METHODOLOGY M5.2). Pure: no ORM.

Each key contact sits in one cell: personal depth 1–5 (greetings, facts, opinions, behaviour, values) across,
company relationship E–A (preference, trust, value, emotion, strategy) up. A cell is named like "3C".
"""

from collections.abc import Iterable
from dataclasses import dataclass

DEPTHS = (1, 2, 3, 4, 5)
LEVELS = ("E", "D", "C", "B", "A")  # from the bottom rung up


@dataclass(frozen=True, order=True)
class Cell:
    depth: int
    level: str

    @property
    def name(self) -> str:
        return f"{self.depth}{self.level}"

    @property
    def height(self) -> int:
        """1 (E) … 5 (A)."""
        return LEVELS.index(self.level) + 1

    @property
    def strength(self) -> int:
        """Depth plus height, 2 (1E) … 10 (5A): how far along both axes the relationship is."""
        return self.depth + self.height


def place(depth: int, level: str) -> Cell:
    """The cell of a depth 1–5 and a level E–A; ValueError outside the grid."""
    level = (level or "").strip().upper()
    if depth not in DEPTHS:
        raise ValueError(f"depth {depth!r} is not 1–5")
    if level not in LEVELS:
        raise ValueError(f"level {level!r} is not E–A")
    return Cell(int(depth), level)


def heatmap(cells: Iterable[Cell]) -> list[list[int]]:
    """Counts per cell: rows A (top) … E, columns depth 1 … 5."""
    counts = [[0] * len(DEPTHS) for _ in LEVELS]
    for cell in cells:
        counts[len(LEVELS) - cell.height][cell.depth - 1] += 1
    return counts


def movement(before: Cell | None, after: Cell) -> int:
    """+1 when the contact moved further along (greater strength), −1 back, 0 the same or first placement."""
    if before is None or before.strength == after.strength:
        return 0
    return 1 if after.strength > before.strength else -1
