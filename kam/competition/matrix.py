"""M2.2's competitiveness matrix, pure: how strong each competitor — and we — are for one customer (or one
industry), product line by product line and factor by factor.

A cell rates a column (us or a competitor) on a row (a product line, or one of the competitive factors:
coverage, stability, price, brand, service quality, operations management) from 5 strong to 1 weak; None
while not rated. Per row:

    edge = our rating − the best competitor's rating      (positive: we are stronger on this row)

A competitive advantage needs two things (slide 22): the customer needs it, and competitors cannot do it or
do it worse. The matrix can show the second — a row where we are rated above every rated competitor is a
*candidate* unique selling point; the seller confirms the first by writing the selling point down.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Row:
    key: Hashable
    ratings: Mapping[Hashable, int | None]


@dataclass(frozen=True)
class Comparison:
    """One row compared: our rating, the best competitor's, who holds it and our edge."""

    key: Hashable
    ours: int | None
    best_rival: int | None
    best_rivals: tuple

    @property
    def edge(self) -> int | None:
        if self.ours is None or self.best_rival is None:
            return None
        return self.ours - self.best_rival

    @property
    def ahead(self) -> bool:
        """We are rated above every rated competitor on this row (a candidate USP)."""
        edge = self.edge
        return edge is not None and edge > 0


def compare(rows: Sequence[Row], columns: Sequence[Hashable], *, us: Hashable) -> list[Comparison]:
    """Each row's comparison of us with the competitors among `columns`."""
    rivals = [c for c in columns if c != us]
    found = []
    for row in rows:
        known = {c: row.ratings.get(c) for c in rivals if row.ratings.get(c) is not None}
        best = max(known.values(), default=None)
        found.append(
            Comparison(
                key=row.key,
                ours=row.ratings.get(us),
                best_rival=best,
                best_rivals=tuple(c for c, rating in known.items() if rating == best),
            )
        )
    return found


def averages(rows: Sequence[Row], columns: Sequence[Hashable]) -> dict[Hashable, Decimal | None]:
    """Each column's mean rating over the rows it is rated on, to two decimals (None: rated nowhere)."""
    means = {}
    for column in columns:
        rated = [row.ratings[column] for row in rows if row.ratings.get(column) is not None]
        means[column] = (Decimal(sum(rated)) / len(rated)).quantize(Decimal("0.01")) if rated else None
    return means


def heatmap(rows: Sequence[Row], columns: Sequence[Hashable]) -> list[list]:
    """ECharts heatmap points [column index, row index, rating] for the rated cells."""
    return [
        [x, y, row.ratings[column]]
        for y, row in enumerate(rows)
        for x, column in enumerate(columns)
        if row.ratings.get(column) is not None
    ]
