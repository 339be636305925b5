"""Method rules → next actions, gate warnings and counterpart gaps. Pure and deterministic: the same facts
always give the same actions in the same order, and each action names its rule and the method's section.

| rule        | when                                                                  | section |
|-------------|-----------------------------------------------------------------------|---------|
| identify    | no economic or no technical buyer, once the buying center is started   | M4.2    |
|             | or the deal has reached stage C                                        |         |
| find_out    | a decision maker (economic or technical buyer) whose attitude is       | M4.3    |
|             | unknown or whose weight is 0; anyone weighing ≥ 10 % of unknown mind   |         |
| neutralise  | an opponent (D, E) weighing ≥ 10 %                                     | M4.4    |
| win_over    | a neutral (C) weighing ≥ 20 %                                          | M4.4    |
| follow_up   | no contact logged with the person for more than 30 days, or never      | M3.6    |

"Eliminate the opponents, win over the neutrals" is M4.4's advice for the evaluation team; "find the key
decision maker" is step 4 of finding the right person (M4.1) by weighing each relationship (M4.3).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.buyingcenter.choices import DECISION_ROLES, SUGGESTED_PAIR, BuyingRole, PairLevel
from kam.buyingcenter.scoring import NEUTRAL, OPPONENT, UNKNOWN, stance

FOLLOW_UP_DAYS = 30  # M3.6: a key person not contacted for a month is drifting away
MATERIAL_WEIGHT = 10  # an opponent (or an unknown) from this weight on can change the outcome
HIGH_WEIGHT = 20  # a neutral from this weight on is worth a plan of its own
GATE_STAGE_CODE = "C"  # "solution confirmed": from here the deal needs both buyers identified
REQUIRED_ROLES = (BuyingRole.ECONOMIC, BuyingRole.TECHNICAL)

IDENTIFY, FIND_OUT, NEUTRALISE, WIN_OVER, FOLLOW_UP = (
    "identify",
    "find_out",
    "neutralise",
    "win_over",
    "follow_up",
)
SECTIONS = {IDENTIFY: "M4.2", FIND_OUT: "M4.3", NEUTRALISE: "M4.4", WIN_OVER: "M4.4", FOLLOW_UP: "M3.6"}
PRIORITY = {IDENTIFY: 0, FIND_OUT: 1, NEUTRALISE: 2, WIN_OVER: 3, FOLLOW_UP: 4}
RULE_BITS = {rule: 1 << priority for rule, priority in PRIORITY.items()}
RULE_LABELS = {
    IDENTIFY: gettext_lazy("Identify the buyers"),
    FIND_OUT: gettext_lazy("Find the key decision maker"),
    NEUTRALISE: gettext_lazy("Eliminate the opponents"),
    WIN_OVER: gettext_lazy("Win over the neutrals"),
    FOLLOW_UP: gettext_lazy("Keep in touch"),
}


@dataclass(frozen=True)
class Facts:
    """What the rules know of one stakeholder."""

    id: int
    name: str
    roles: frozenset[str]
    attitude: str  # "" when unknown
    weight: int  # % in the phase the rules look at (0 when not set)
    last_contact: datetime.date | None = None
    paired: bool = False  # has a counterpart among our active people (M4.7)


@dataclass(frozen=True)
class Action:
    """One next action: which rule fired, for whom, and the facts that made it fire."""

    rule: str
    name: str  # the person's name, or the missing role's value for `identify`
    stakeholder_id: int | None = None
    weight: int = 0
    attitude: str = ""
    days: int | None = None  # days since the last contact (None: never) for follow_up

    @property
    def section(self) -> str:
        return SECTIONS[self.rule]

    @property
    def sort_key(self) -> tuple:
        return (PRIORITY[self.rule], -self.weight, self.name, self.stakeholder_id or 0)

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS[self.rule])

    @property
    def text(self) -> str:
        if self.rule == IDENTIFY:
            return _("Identify the %(role)s") % {"role": str(BuyingRole(self.name).label).lower()}
        return {
            FIND_OUT: _("Find out where %(name)s stands"),
            NEUTRALISE: _("Plan how to neutralise %(name)s"),
            WIN_OVER: _("Win over %(name)s"),
            FOLLOW_UP: _("Follow up with %(name)s"),
        }[self.rule] % {"name": self.name}

    @property
    def why(self) -> str:
        """The facts behind the action, in words."""
        if self.rule == IDENTIFY:
            return _("Nobody in the buying center holds this role; stage C needs it identified.")
        if self.rule == FIND_OUT:
            if not self.attitude:
                return _("Attitude unknown, weight %(weight)d %%.") % {"weight": self.weight}
            return _("A decision maker whose weight is 0: is that right?")
        if self.rule in (NEUTRALISE, WIN_OVER):
            return _("Attitude %(attitude)s, weight %(weight)d %%.") % {
                "attitude": self.attitude,
                "weight": self.weight,
            }
        if self.days is None:
            return _("No contact logged yet.")
        return _("Last contact %(days)d days ago.") % {"days": self.days}


def _person_actions(person: Facts, *, today: datetime.date, follow_up_days: int) -> Iterable[Action]:
    common = {"name": person.name, "stakeholder_id": person.id, "weight": person.weight}
    where = stance(person.attitude)
    decides = bool(person.roles & DECISION_ROLES)
    if (decides and (where == UNKNOWN or person.weight == 0)) or (
        where == UNKNOWN and person.weight >= MATERIAL_WEIGHT
    ):
        yield Action(FIND_OUT, attitude=person.attitude, **common)
    if where == OPPONENT and person.weight >= MATERIAL_WEIGHT:
        yield Action(NEUTRALISE, attitude=person.attitude, **common)
    if where == NEUTRAL and person.weight >= HIGH_WEIGHT:
        yield Action(WIN_OVER, attitude=person.attitude, **common)
    days = None if person.last_contact is None else (today - person.last_contact).days
    if days is None or days > follow_up_days:
        yield Action(FOLLOW_UP, days=days, **common)


def missing_roles(people: Iterable[Facts]) -> list[str]:
    """The required roles (economic, technical) nobody in the buying center holds, in M4.2's order."""
    held = set().union(*(p.roles for p in people))
    return [role.value for role in REQUIRED_ROLES if role not in held]


def actions(
    people: Sequence[Facts],
    *,
    today: datetime.date,
    past_gate: bool,
    follow_up_days: int = FOLLOW_UP_DAYS,
) -> list[Action]:
    """Every action the rules give for one buying center, most urgent first.

    `past_gate`: the deal has reached the gate stage (C), so missing buyers are asked for even before
    anybody was added to its buying center.
    """
    found = [a for p in people for a in _person_actions(p, today=today, follow_up_days=follow_up_days)]
    if people or past_gate:
        found += [Action(IDENTIFY, name=role) for role in missing_roles(people)]
    return sorted(found, key=lambda a: a.sort_key)


def gate_missing_roles(
    people: Iterable[Facts], *, from_order: int, to_order: int, gate_order: int | None
) -> list[str]:
    """The buyers still missing when a forward move reaches (or passes) the gate stage; [] otherwise."""
    if gate_order is None or to_order <= from_order or to_order < gate_order:
        return []
    return missing_roles(people)


@dataclass(frozen=True)
class Gap:
    """A stakeholder who should have a counterpart among our people (M4.7) and has none."""

    stakeholder_id: int
    name: str
    roles: tuple[str, ...]
    level: str  # the suggested PairLevel

    @property
    def role_labels(self) -> list[str]:
        return [str(BuyingRole(role).label) for role in self.roles]

    @property
    def level_label(self) -> str:
        return str(PairLevel(self.level).label)


def needs_counterpart(person: Facts) -> bool:
    """Decision makers and anyone with material weight should meet one of our people at their level."""
    return bool(person.roles & DECISION_ROLES) or person.weight >= MATERIAL_WEIGHT


def counterpart_gaps(people: Iterable[Facts]) -> list[Gap]:
    """Who needs a counterpart and has none, heaviest first, with the level M4.7 suggests for their role."""
    gaps = []
    for person in people:
        if person.paired or not needs_counterpart(person):
            continue
        roles = tuple(role.value for role in BuyingRole if role in person.roles)
        level = next((SUGGESTED_PAIR[BuyingRole(r)] for r in roles), PairLevel.OTHER)
        gaps.append((-person.weight, person.name, person.id, Gap(person.id, person.name, roles, level)))
    return [gap for *_key, gap in sorted(gaps)]
