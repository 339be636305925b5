"""Reads of the buying center and its SPIN plans, always within what restrict() lets the user see.

`buying_center()` gathers one opportunity's stakeholders, attitude history, weights, contact-log dates,
counterpart pairs and org chart in a fixed number of queries, whatever the number of people, and hands
plain values to the pure scoring and rules.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account, Contact, Interaction
from kam.buyingcenter import orgmap, rules, scoring, value
from kam.buyingcenter.choices import (
    ATTITUDE_COLOURS,
    NEED_KIND,
    NEED_KIND_LABELS,
    PHASE_OF_STEP,
    ROLE_BADGES,
    SPIN_PURPOSE,
    STANCE_LABELS,
    BuyingRole,
    ProjectPhase,
    SpinKind,
)
from kam.buyingcenter.models import (
    AttitudeReport,
    CounterpartPair,
    SpinPlan,
    SpinQuestion,
    SpinStep,
    Stakeholder,
)
from kam.pipeline.choices import Attitude
from kam.pipeline.models import Opportunity, Stage

#: The project phases in order (ProjectPhase.values builds a new list on every call).
PHASES = tuple(ProjectPhase.values)


def stakeholder_list(*, user, action: str = "view") -> QuerySet[Stakeholder]:
    return Stakeholder.objects.restrict(user, action).select_related(
        "contact", "opportunity__account", "opportunity__stage"
    )


def stakeholder_get(*, user, pk, action: str = "view") -> Stakeholder:
    """The stakeholder if `user` may `action` their opportunity, else 404."""
    return get_object_or_404(stakeholder_list(user=user, action=action), pk=pk)


def pair_list(*, user, action: str = "view") -> QuerySet[CounterpartPair]:
    return CounterpartPair.objects.restrict(user, action).select_related("our_person", "their_person")


def pair_get(*, user, pk, action: str = "view") -> CounterpartPair:
    return get_object_or_404(pair_list(user=user, action=action).select_related("account"), pk=pk)


def attitude_history(*, stakeholder: Stakeholder) -> list[tuple[AttitudeReport, str]]:
    """The stakeholder's attitude reports, newest first, each with its arrow against the one before."""
    reports = list(stakeholder.attitude_history.select_related("recorded_by").order_by("observed_on", "id"))
    return list(reversed(list(zip(reports, scoring.arrows([r.attitude for r in reports]), strict=True))))


def current_phase(stage: Stage) -> str | None:
    """The procurement phase (M3.1) the stage's customer step belongs to; None if it names no step."""
    return phase_of_step(stage.procurement_step)


def phase_of_step(procurement_step: str) -> str | None:
    """The procurement phase (M3.1) of a stage's "customer's procurement step" text; None if it names none."""
    return PHASE_OF_STEP.get(scoring.step_of(procurement_step))


def _gate_orders(process_ids) -> dict[int, int]:
    """The order of the gate stage (code C) in each process that has one."""
    return dict(
        Stage.objects.filter(process_id__in=set(process_ids), code=rules.GATE_STAGE_CODE).values_list(
            "process_id", "order"
        )
    )


def last_contacts_of(contact_ids) -> dict[int, datetime.date]:
    """The date each person last appears among "their people" of the contact log (M3.6); `contact_ids`
    may be a subquery."""
    through = Interaction.their_people.through
    if not isinstance(contact_ids, QuerySet):
        contact_ids = list(contact_ids)
    rows = (
        through.objects.filter(contact_id__in=contact_ids)
        .values("contact_id")
        .annotate(last=Max("interaction__occurred_on"))
        .values_list("contact_id", "last")
    )
    return dict(rows)


def _roles(stakeholder: Stakeholder) -> list[str]:
    return [role for role in BuyingRole.values if role in stakeholder.roles]


@dataclass
class Row:
    """One stakeholder as the pages show them."""

    stakeholder: Stakeholder
    weight: int
    weight_set: bool
    weights: dict[str, int]
    history: list[tuple[AttitudeReport, str]]  # oldest first, with each report's arrow
    stance: str
    last_contact: datetime.date | None
    pairs: list[CounterpartPair]

    @property
    def contact(self) -> Contact:
        return self.stakeholder.contact

    @property
    def arrow(self) -> str:
        return self.history[-1][1] if self.history else ""

    @property
    def previous_attitude(self) -> str:
        return self.history[-2][0].attitude if len(self.history) > 1 else ""

    @property
    def stance_label(self) -> str:
        return str(STANCE_LABELS[self.stance])

    @property
    def role_labels(self) -> list[str]:
        return [str(BuyingRole(role).label) for role in _roles(self.stakeholder)]

    @property
    def colour(self) -> str:
        return ATTITUDE_COLOURS[self.stakeholder.attitude[:1]]

    def facts(self) -> rules.Facts:
        return rules.Facts(
            id=self.stakeholder.pk,
            name=self.contact.name,
            roles=frozenset(self.stakeholder.roles),
            attitude=self.stakeholder.attitude,
            weight=self.weight,
            last_contact=self.last_contact,
            paired=any(pair.our_person.is_active for pair in self.pairs),
        )


@dataclass
class BuyingCenter:
    """Everything the buying-center panel, page and API show for one opportunity and phase."""

    opportunity: Opportunity
    phase: str
    current_phase: str | None
    rows: list[Row]
    phase_totals: dict[str, int | None]
    split: scoring.Split
    score: object
    actions: list[rules.Action]
    gaps: list[rules.Gap]
    missing_roles: list[str]
    pairs: list[CounterpartPair]
    chart: dict = field(default_factory=dict)

    @property
    def phase_label(self) -> str:
        return str(ProjectPhase(self.phase).label)

    @property
    def phases(self) -> list[dict]:
        return [
            {
                "value": value,
                "label": label,
                "total": self.phase_totals[value],
                "shown": value == self.phase,
                "current": value == self.current_phase,
            }
            for value, label in ProjectPhase.choices
        ]

    @property
    def total(self) -> int | None:
        return self.phase_totals[self.phase]

    @property
    def weights_off(self) -> bool:
        """The shown phase's weights do not total 100 % (a contact was deleted since they were set)."""
        return self.total not in (None, scoring.FULL)

    @property
    def coverage(self) -> list[Row]:
        """M4.3's table: heaviest first."""
        return sorted(self.rows, key=lambda r: (-r.weight, r.contact.name, r.stakeholder.pk))

    @property
    def missing_role_labels(self) -> list[str]:
        return [str(BuyingRole(role).label) for role in self.missing_roles]

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(label, colour) of the map's legend: attitude letters, unknown, and not in the buying center."""
        letters = [
            (str(label), ATTITUDE_COLOURS[value]) for value, label in Attitude.choices if len(value) == 1
        ]
        return [
            *letters,
            (str(STANCE_LABELS["unknown"]), ATTITUDE_COLOURS[""]),
            (_("Not in the buying center"), "#dee2e6"),
        ]

    @property
    def gap_rows(self) -> list[tuple[rules.Gap, Row]]:
        """Each counterpart gap with its stakeholder's row (the pair is made with their contact)."""
        rows = {row.stakeholder.pk: row for row in self.rows}
        return [(gap, rows[gap.stakeholder_id]) for gap in self.gaps]

    @property
    def has_pairs(self) -> bool:
        return any(row.pairs for row in self.rows)


def _stakeholders(opportunity_ids) -> list[Stakeholder]:
    history = AttitudeReport.objects.select_related("recorded_by").order_by("observed_on", "id")
    return list(
        Stakeholder.objects.filter(opportunity_id__in=list(opportunity_ids))
        .select_related("contact")
        .prefetch_related(Prefetch("attitude_history", queryset=history), "weights")
        .order_by("opportunity_id", "contact__name", "id")
    )


def _rows(stakeholders, *, phase: str, last_contacts, pairs_by_contact) -> list[Row]:
    rows = []
    for stakeholder in stakeholders:
        history = list(stakeholder.attitude_history.all())
        weights = {w.phase: w.percent for w in stakeholder.weights.all()}
        rows.append(
            Row(
                stakeholder=stakeholder,
                weight=weights.get(phase, 0),
                weight_set=phase in weights,
                weights=weights,
                history=list(zip(history, scoring.arrows([r.attitude for r in history]), strict=True)),
                stance=scoring.stance(stakeholder.attitude),
                last_contact=last_contacts.get(stakeholder.contact_id),
                pairs=pairs_by_contact.get(stakeholder.contact_id, []),
            )
        )
    return rows


def _totals(stakeholders) -> dict[str, int | None]:
    return phase_totals({w.phase: w.percent for w in s.weights.all()} for s in stakeholders)


def phase_totals(weights_per_person) -> dict[str, int | None]:
    """Each phase's total weight over the people ({phase: percent} each); None where nobody has one."""
    totals: dict[str, int | None] = dict.fromkeys(PHASES)
    for weights in weights_per_person:
        for phase, percent in weights.items():
            totals[phase] = (totals[phase] or 0) + percent
    return totals


def phase_to_show(wanted: str | None, current: str | None, totals: dict) -> str:
    if wanted in PHASES:
        return wanted
    weighted = [phase for phase, total in totals.items() if total is not None]
    return scoring.effective_phase(current, weighted, PHASES)


def buying_center(*, opportunity: Opportunity, phase: str | None = None, today=None) -> BuyingCenter:
    """One opportunity's buying center in `phase` (default: the stage's phase if it has weights, else the
    first phase with weights). The caller has checked the user may see the opportunity."""
    today = today or timezone.localdate()
    stakeholders = _stakeholders([opportunity.pk])
    pairs = list(
        CounterpartPair.objects.filter(account_id=opportunity.account_id)
        .select_related("our_person", "their_person")
        .order_by("level", "their_person__name", "id")
    )
    pairs_by_contact = defaultdict(list)
    for pair in pairs:
        pairs_by_contact[pair.their_person_id].append(pair)
    totals = _totals(stakeholders)
    current = current_phase(opportunity.stage)
    shown = phase_to_show(phase, current, totals)
    rows = _rows(
        stakeholders,
        phase=shown,
        last_contacts=last_contacts_of(s.contact_id for s in stakeholders),
        pairs_by_contact=pairs_by_contact,
    )
    facts = [row.facts() for row in rows]
    weighed = [scoring.Weighed(row.stakeholder.attitude, row.weight) for row in rows]
    gate_order = _gate_orders([opportunity.process_id]).get(opportunity.process_id)
    past_gate = gate_order is not None and opportunity.stage.order >= gate_order
    center = BuyingCenter(
        opportunity=opportunity,
        phase=shown,
        current_phase=current,
        rows=rows,
        phase_totals=totals,
        split=scoring.weight_split(weighed),
        score=scoring.support_score(weighed),
        actions=rules.actions(facts, today=today, past_gate=past_gate) if opportunity.is_open else [],
        gaps=rules.counterpart_gaps(facts),
        missing_roles=rules.missing_roles(facts),
        pairs=pairs,
    )
    center.chart = _chart(opportunity.account_id, rows)
    return center


def _chart(account_id: int, rows: list[Row]) -> dict:
    """The buying-center map for ECharts: the org chart with the stakeholders coloured and sized."""
    people = list(
        Contact.objects.filter(account_id=account_id)
        .order_by("name", "id")
        .values_list("id", "name", "title", "department", "reports_to_id")
    )
    by_contact = {row.contact.pk: row for row in rows}
    placed = orgmap.layout([(p[0], p[4]) for p in people], highlighted=by_contact)
    info = {p[0]: p for p in people}
    nodes, links = [], []
    for spot in placed:
        _pk, name, title, department, _parent = info[spot.id]
        row = by_contact.get(spot.id)
        node = {
            "id": str(spot.id),
            "name": name,
            "title": title,
            "department": department,
            "x": spot.column,
            "y": spot.row,
            "stakeholder": row is not None,
        }
        if row is not None:
            node |= {
                "attitude": row.stakeholder.attitude,
                "arrow": row.arrow,
                "stance": row.stance_label,
                "weight": row.weight,
                "colour": row.colour,
                "badges": [str(ROLE_BADGES[role]) for role in _roles(row.stakeholder)],
                "coach": row.stakeholder.is_coach,
                "informant": row.stakeholder.is_informant,
            }
        nodes.append(node)
        if spot.parent_id is not None:
            links.append({"source": str(spot.parent_id), "target": str(spot.id)})
    return {"nodes": nodes, "links": links}


def panel(user, opportunity: Opportunity) -> dict:
    """The opportunity page's buying-center panel."""
    from kam.users.access import can

    return {
        "center": buying_center(opportunity=opportunity),
        "can_change": can(user, "change", opportunity),
    }


def account_panel(user, account: Account) -> dict:
    """The account page's counterpart pairs (M4.7)."""
    from kam.users.access import can

    return {
        "account": account,
        "pairs": list(
            pair_list(user=user).filter(account=account).order_by("level", "their_person__name", "id")
        ),
        "can_change": can(user, "change", account),
    }


def gate_warnings(opportunity: Opportunity, to_stage: Stage) -> list[str]:
    """The pipeline's gate: a forward move to stage C or later without both buyers identified (M4.2)."""
    roles = Stakeholder.objects.filter(opportunity=opportunity).values_list("roles", flat=True)
    facts = [rules.Facts(id=0, name="", roles=frozenset(r), attitude="", weight=0) for r in roles]
    gate = _gate_orders([opportunity.process_id]).get(opportunity.process_id)
    missing = rules.gate_missing_roles(
        facts, from_order=opportunity.stage.order, to_order=to_stage.order, gate_order=gate
    )
    return [
        _("No %(role)s is identified in the buying center (M4.2); stage %(gate)s needs one.")
        % {"role": str(BuyingRole(role).label).lower(), "gate": rules.GATE_STAGE_CODE}
        for role in missing
    ]


def pair_candidates(*, user, account: Account):
    """Our people who can be paired at `account`: the active people in the user's reach, plus the account's
    owner and team (M3.5) — the people who actually meet the customer."""
    from django.db.models import Q

    from kam.accounts import selectors as account_selectors
    from kam.users.models import User

    in_reach = account_selectors.user_list(user=user).values("pk")
    return (
        User.objects.filter(
            Q(pk__in=in_reach) | Q(pk=account.owner_id) | Q(account_teams__account=account), is_active=True
        )
        .distinct()
        .order_by("username")
    )


# --- SPIN planner and value calculator (M4.5, M4.6) ---------------------------------------------------------


def spin_question_list(*, user, action: str = "view") -> QuerySet[SpinQuestion]:
    return SpinQuestion.objects.restrict(user, action)


def spin_question_get(*, user, pk, action: str = "view") -> SpinQuestion:
    return get_object_or_404(spin_question_list(user=user, action=action), pk=pk)


def spin_library(*, user) -> list[tuple[str, str, str, list[SpinQuestion]]]:
    """The library by kind in SPIN order: (kind, label, purpose, questions — offered ones first)."""
    questions = list(spin_question_list(user=user).order_by("-is_active", "id"))
    return [
        (kind, label, SPIN_PURPOSE[kind], [q for q in questions if q.kind == kind])
        for kind, label in SpinKind.choices
    ]


def spin_plan_list(*, user, action: str = "view") -> QuerySet[SpinPlan]:
    return SpinPlan.objects.restrict(user, action).select_related(
        "stakeholder__contact", "stakeholder__opportunity__account", "stakeholder__opportunity__stage"
    )


def spin_plan_get(*, user, pk, action: str = "view") -> SpinPlan:
    return get_object_or_404(spin_plan_list(user=user, action=action), pk=pk)


def spin_step_get(*, user, pk, action: str = "view") -> SpinStep:
    steps = SpinStep.objects.restrict(user, action).select_related(
        "plan__stakeholder__contact", "plan__stakeholder__opportunity__account"
    )
    return get_object_or_404(steps, pk=pk)


@dataclass
class PlanView:
    """A SPIN plan with its questions by kind, the stage of its need and the value of meeting it."""

    plan: SpinPlan
    steps: list[SpinStep]

    @property
    def by_kind(self) -> list[dict]:
        return [
            {
                "kind": kind,
                "label": label,
                "purpose": SPIN_PURPOSE[kind],
                "steps": [s for s in self.steps if s.kind == kind],
            }
            for kind, label in SpinKind.choices
        ]

    @property
    def answered(self) -> int:
        return sum(1 for s in self.steps if s.answer)

    @property
    def counts(self) -> str:
        """ "S 1 · P 1 · I 0 · N 2": how many questions of each kind."""
        return " · ".join(f"{k} {sum(1 for s in self.steps if s.kind == k)}" for k in SpinKind.values)

    @property
    def need_kind(self) -> str:
        return NEED_KIND[self.plan.need_stage]

    @property
    def need_kind_label(self) -> str:
        return str(NEED_KIND_LABELS[self.need_kind])

    @property
    def has_fab(self) -> bool:
        return bool(self.plan.feature or self.plan.advantage or self.plan.benefit)

    @property
    def inputs(self):
        return self.plan.value_inputs()

    @property
    def value(self):
        inputs = self.inputs
        return None if inputs is None else value.compute(inputs)

    def _money(self, field: str) -> str:
        result = self.value
        return "" if result is None else value.money(getattr(result, field), self.plan.value_currency)

    @property
    def monthly(self) -> str:
        return self._money("monthly")

    @property
    def yearly(self) -> str:
        return self._money("yearly")

    @property
    def total(self) -> str:
        return self._money("total")

    @property
    def statement(self) -> str:
        inputs = self.inputs
        if inputs is None:
            return ""
        plan = self.plan
        return value.statement(
            inputs,
            value.compute(inputs),
            volume_unit=plan.value_volume_unit,
            quantity_unit=plan.value_quantity_unit,
            currency=plan.value_currency,
        )


def spin_plan_views(plans) -> list[PlanView]:
    """`plans` (already restricted) with their questions, in two queries whatever their number."""
    plans = list(plans)
    steps = defaultdict(list)
    for step in SpinStep.objects.filter(plan_id__in=[p.pk for p in plans]).order_by("id"):
        steps[step.plan_id].append(step)
    views = []
    for plan in plans:
        for step in steps[plan.pk]:
            step.plan = plan
        views.append(PlanView(plan, steps[plan.pk]))
    return views


def spin_plans_of(*, opportunity: Opportunity) -> list[PlanView]:
    """The opportunity's SPIN plans, by person, in two queries. The caller has checked the opportunity."""
    plans = (
        SpinPlan.objects.filter(stakeholder__opportunity=opportunity)
        .select_related("stakeholder__contact")
        .order_by("stakeholder__contact__name", "id")
    )
    views = spin_plan_views(plans)
    for view in views:
        view.plan.stakeholder.opportunity = opportunity
    return views


def spin_panel(user, opportunity: Opportunity) -> dict:
    """The opportunity page's SPIN panel: each person's needs, their stage, the FAB and the value."""
    from kam.users.access import can

    return {
        "opportunity": opportunity,
        "plans": spin_plans_of(opportunity=opportunity),
        "stakeholders": list(
            opportunity.stakeholders.select_related("contact").order_by("contact__name", "id")
        ),
        "can_change": can(user, "change", opportunity),
    }


def spin_account_panel(user, account: Account) -> dict:
    """The account page's needs: the SPIN plans of its opportunities that the user may see."""
    plans = spin_plan_list(user=user).filter(stakeholder__opportunity__account=account)
    plans = plans.order_by("-need_stage", "stakeholder__contact__name", "id")
    return {"account": account, "plans": spin_plan_views(plans)}
