"""Where each person of the account's org chart goes on the buying-center map (M4.1 step 1 + M4.3), pure.

The map is an ECharts graph with fixed positions, laid out here as a tidy tree: leaves take consecutive
columns, a manager sits above the middle of their reports, one row per level. Large org charts are cut
down to the stakeholders and the chain of managers above them, so the map stays readable.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FULL_CHART_LIMIT = 40  # up to this many contacts the whole org chart is drawn


@dataclass(frozen=True)
class Placed:
    id: int
    parent_id: int | None  # the manager drawn above (None at the top)
    column: float
    row: int


def _kept(people: Mapping[int, int | None], highlighted: set[int], limit: int) -> set[int]:
    if len(people) <= limit:
        return set(people)
    kept: set[int] = set()
    for person in highlighted & set(people):
        while person is not None and person not in kept:
            kept.add(person)
            person = people.get(person)
    return kept


def layout(
    people: Iterable[tuple[int, int | None]],
    *,
    highlighted: Iterable[int] = (),
    limit: int = FULL_CHART_LIMIT,
) -> list[Placed]:
    """Place (id, reports_to_id) people, given in display order; returns them in drawing order.

    A manager outside the drawn set (or a reporting loop) makes a person a top-level one.
    """
    people = dict(people)
    kept = _kept(people, set(highlighted), limit)
    order = [p for p in people if p in kept]
    parent = {p: (people[p] if people[p] in kept else None) for p in order}
    children: dict[int | None, list[int]] = {}
    for person in order:
        children.setdefault(parent[person], []).append(person)

    placed: list[Placed] = []
    next_column = 0.0
    visited: set[int] = set()

    def place(person: int, row: int) -> float:
        nonlocal next_column
        visited.add(person)
        kids = [c for c in children.get(person, []) if c not in visited]
        if kids:
            columns = [place(kid, row + 1) for kid in kids]
            column = (columns[0] + columns[-1]) / 2
        else:
            column = next_column
            next_column += 1
        placed.append(Placed(person, parent[person], column, row))
        return column

    for root in children.get(None, []):
        place(root, 0)
    for person in order:  # people caught in a reporting loop: draw them at the top
        if person not in visited:
            parent[person] = None
            place(person, 0)
    return placed
