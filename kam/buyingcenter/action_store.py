""" "My actions" at scale: the rules' outcome of each open deal, kept in `DealActions` (issue 4's target: a
member with 5,000 open opportunities gets the list in ≤ 200 ms p99).

Running the rules on every buying center at every request costs about a second at 5,000 deals (90,000
rows of people and weights; docs/benchmarks.md). Instead each deal's outcome is stored, and a request
recomputes only the rows that are missing or stale:

* the opportunity's `version` moved on (every write to an opportunity bumps it: stage, status, close
  date, imports, handovers);
* `valid_until` has come: the day a "keep in touch" action newly fires for someone (the only rule that
  depends on the date);
* a write to another input deleted the row: people, weights and attitudes of the buying center, the
  account's contacts (names) and contact log (last contacts), the process's stages — through post_save /
  post_delete / m2m_changed, and `kam.core.signals.bulk_written` for imports (see `connect()`).

Reads stay inside `restrict()`: the deals are the user's own open opportunities that the scoped
opportunity list still shows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from kam.buyingcenter import rules, selectors
from kam.buyingcenter.models import DealActions, InfluenceWeight, Stakeholder
from kam.pipeline import selectors as pipeline_selectors
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import Opportunity, Stage

#: Deals per round of queries when recomputing (keeps SQLite below its bound-parameter limit).
CHUNK = 900
NOTHING = len(rules.PRIORITY)  # the priority of a deal without actions: after every rule


@dataclass(frozen=True)
class PlannedAction:
    """A next action someone planned for one stakeholder."""

    stakeholder_id: int
    name: str
    next_action: str
    next_action_due: datetime.date | None


@dataclass
class OpportunityActions:
    """One open deal of "my actions": what it shows of the deal, the rules' actions and the planned ones."""

    opportunity_id: int
    number: str
    name: str
    account_name: str
    stage_code: str
    probability: object
    expected_close: datetime.date | None
    actions: list[rules.Action]
    planned: list[PlannedAction]


@dataclass(frozen=True)
class Entry:
    """One deal in the sorted list: enough to sort, count and filter without reading its actions."""

    opportunity_id: int
    sort_key: tuple
    fires: int  # rules.RULE_BITS of the rules that give an action

    def has(self, rule: str) -> bool:
        return bool(self.fires & rules.RULE_BITS[rule])


def entries(*, user, today: datetime.date | None = None) -> list[Entry]:
    """The user's open deals that need something (an action or a planned step), most urgent first.

    One query reads the stored outcomes with their freshness; stale or missing ones are recomputed first.
    """
    today = today or timezone.localdate()
    mine = pipeline_selectors.opportunity_list(user=user).filter(owner=user, status=OpportunityStatus.OPEN)
    accounts = pipeline_selectors.few_visible_accounts(user)
    if accounts is not None:  # a hint, as on the board: else PostgreSQL hashes every account to check scope
        mine = mine.filter(account_id__in=accounts)
    columns = ("pk", "version", "process_id", "stage_id", "expected_close")
    digest = ("opportunity_version", "valid_until", "priority", "first_weight", "first_name")
    digest += ("first_stakeholder", "fires", "planned_count")
    rows = list(mine.order_by().values_list(*columns, *(f"action_digest__{c}" for c in digest)))
    stale = [
        row[:4]
        for row in rows
        if row[5] is None or row[5] != row[1] or (row[6] is not None and row[6] <= today)
    ]
    if stale:
        refresh(stale, today=today)
        rows = list(mine.order_by().values_list(*columns, *(f"action_digest__{c}" for c in digest)))
    found = [
        Entry(
            pk,
            (priority, -first_weight, first_name, first_stakeholder, close or datetime.date.max, pk),
            fires,
        )
        for pk, _v, _p, _s, close, _dv, _until, priority, first_weight, first_name, first_stakeholder, fires,
        planned_count in rows
        if fires or planned_count
    ]  # fmt: skip
    return sorted(found, key=lambda entry: entry.sort_key)


def counts(found: list[Entry]) -> dict[str, int]:
    """How many of the deals each rule asks something of, in the rules' order of urgency."""
    return {rule: sum(1 for entry in found if entry.fires & bit) for rule, bit in rules.RULE_BITS.items()}


def groups(found: list[Entry], *, today: datetime.date | None = None) -> list[OpportunityActions]:
    """The shown deals with their actions and planned steps, in the order of `found` (one query)."""
    today = today or timezone.localdate()
    ids = [entry.opportunity_id for entry in found]
    details = {}
    for start in range(0, len(ids), CHUNK):
        for row in Opportunity.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "pk", "number", "name", "account__name", "stage__code", "stage__probability", "expected_close",
            "action_digest__actions", "action_digest__planned",
        ):  # fmt: skip
            details[row[0]] = row
    shown = []
    for pk in ids:
        _pk, number, name, account_name, code, probability, close, actions, planned = details[pk]
        shown.append(
            OpportunityActions(
                pk, number, name, account_name, code, probability, close,
                [_action(stored, today) for stored in actions],
                [PlannedAction(sid, person, step, _date(due)) for sid, person, step, due in planned],
            )
        )  # fmt: skip
    return shown


def refresh(deals, *, today: datetime.date) -> None:
    """Recompute and store the outcome of `deals` ((pk, version, process_id, stage_id) tuples)."""
    deals = list(deals)
    stages = {
        pk: (code, order, process_id, step)
        for pk, code, order, process_id, step in Stage.objects.filter(
            process_id__in={deal[2] for deal in deals}
        ).values_list("pk", "code", "order", "process_id", "procurement_step")
    }
    gates = {
        process: order for code, order, process, _step in stages.values() if code == rules.GATE_STAGE_CODE
    }
    for start in range(0, len(deals), CHUNK):
        chunk = deals[start : start + CHUNK]
        outcomes = _outcomes([deal[0] for deal in chunk], stages, gates, {d[0]: d[3] for d in chunk}, today)
        with transaction.atomic():
            DealActions.objects.filter(opportunity_id__in=[deal[0] for deal in chunk]).delete()
            DealActions.objects.bulk_create(
                [_digest(pk, version, outcomes[pk], today) for pk, version, _process, _stage in chunk]
            )


def forget(*, opportunity_ids=None, account_ids=None, process_ids=None, contact_ids=None) -> None:
    """Delete the stored outcomes these changes may have made wrong (they are recomputed when next read)."""
    scope = Q()
    if opportunity_ids is not None:
        scope |= Q(opportunity_id__in=opportunity_ids)
    if account_ids is not None:
        scope |= Q(opportunity__account_id__in=account_ids)
    if process_ids is not None:
        scope |= Q(opportunity__process_id__in=process_ids)
    if contact_ids is not None:
        scope |= Q(opportunity__stakeholders__contact_id__in=contact_ids)
    if scope:
        DealActions.objects.filter(scope).delete()


def _outcomes(ids, stages, gates, stage_of, today) -> dict[int, tuple]:
    """The rules on these deals: {pk: (actions, planned, last contact per person)} — three queries."""
    weights = defaultdict(dict)
    for stakeholder_id, phase, percent in (
        InfluenceWeight.objects.filter(stakeholder__opportunity_id__in=ids)
        .order_by()
        .values_list("stakeholder_id", "phase", "percent")
    ):
        weights[stakeholder_id][phase] = percent
    people = Stakeholder.objects.filter(opportunity_id__in=ids)
    contacts = people.values("contact_id")
    last_contacts = selectors.last_contacts_of(contacts)
    by_deal = defaultdict(list)
    columns = ("contact_id", "contact__name", "roles", "attitude", "next_action", "next_action_due")
    for row in people.order_by("opportunity_id", "contact__name", "id").values_list(
        "pk", "opportunity_id", *columns
    ):
        by_deal[row[1]].append(row)
    found = {}
    for pk in ids:
        code, order, process_id, step = stages[stage_of[pk]]
        rows = by_deal.get(pk, [])
        totals = selectors.phase_totals(weights.get(row[0], {}) for row in rows)
        shown = selectors.phase_to_show(None, selectors.phase_of_step(step), totals)
        facts = [
            rules.Facts(
                id=stakeholder_id,
                name=person,
                roles=frozenset(roles),
                attitude=attitude,
                weight=weights.get(stakeholder_id, {}).get(shown, 0),
                last_contact=last_contacts.get(contact_id),
            )
            for stakeholder_id, _deal, contact_id, person, roles, attitude, _next, _due in rows
        ]
        gate = gates.get(process_id)
        actions = rules.actions(facts, today=today, past_gate=gate is not None and order >= gate)
        planned = sorted(
            (
                (stakeholder_id, person, next_action, due)
                for stakeholder_id, _deal, _contact, person, _roles, _attitude, next_action, due in rows
                if next_action
            ),
            key=lambda p: (p[3] or datetime.date.max, p[1], p[0]),
        )
        found[pk] = (actions, planned, [fact.last_contact for fact in facts])
    return found


def _digest(pk: int, version: int, outcome: tuple, today: datetime.date) -> DealActions:
    actions, planned, last_contacts = outcome
    first = actions[0] if actions else None
    coming = [
        day + datetime.timedelta(days=rules.FOLLOW_UP_DAYS + 1)
        for day in last_contacts
        if day is not None and (today - day).days <= rules.FOLLOW_UP_DAYS
    ]
    return DealActions(
        opportunity_id=pk,
        opportunity_version=version,
        computed_on=today,
        valid_until=min(coming, default=None),
        priority=rules.PRIORITY[first.rule] if first else NOTHING,
        first_weight=first.weight if first else 0,
        first_name=first.name if first else "",
        first_stakeholder=(first.stakeholder_id or 0) if first else 0,
        fires=sum({rules.RULE_BITS[action.rule] for action in actions}),
        planned_count=len(planned),
        actions=[
            [
                a.rule,
                a.name,
                a.stakeholder_id,
                a.weight,
                a.attitude,
                None if a.days is None else (today - datetime.timedelta(days=a.days)).isoformat(),
            ]
            for a in actions
        ],  # fmt: skip
        planned=[[sid, person, step, due.isoformat() if due else None] for sid, person, step, due in planned],
    )


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _action(stored: list, today: datetime.date) -> rules.Action:
    rule, name, stakeholder_id, weight, attitude, last_contact = stored
    contacted = _date(last_contact)
    return rules.Action(
        rule,
        name=name,
        stakeholder_id=stakeholder_id,
        weight=weight,
        attitude=attitude,
        days=None if contacted is None else (today - contacted).days,
    )


# --- keeping the stored outcomes right ------------------------------------------------------------------


def _stakeholder_changed(sender, instance, **kwargs):
    forget(opportunity_ids=[instance.opportunity_id])


def _weight_changed(sender, instance, **kwargs):
    forget(opportunity_ids=Stakeholder.objects.filter(pk=instance.stakeholder_id).values("opportunity_id"))


def _account_record_changed(sender, instance, **kwargs):
    """Contacts (names) and the contact log (last contacts): the account's deals."""
    forget(account_ids=[instance.account_id])


def _log_people_changed(sender, instance, action, pk_set=None, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        if hasattr(instance, "account_id"):
            forget(account_ids=[instance.account_id])
        else:  # reverse side: a contact's interactions changed
            forget(contact_ids=[instance.pk])


def _stage_changed(sender, instance, **kwargs):
    forget(process_ids=[instance.process_id])


def _bulk_written(sender, account_ids, **kwargs):
    if sender._meta.label in {"accounts.Contact", "accounts.Interaction"} and account_ids:
        forget(account_ids=sorted(account_ids))


def connect() -> None:
    """Called from the app's ready(): the writes that make stored outcomes wrong."""
    from kam.accounts.models import Contact, Interaction
    from kam.core.signals import bulk_written

    for when, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_stakeholder_changed, sender=Stakeholder, dispatch_uid=f"actions-stakeholder-{when}")
        signal.connect(_weight_changed, sender=InfluenceWeight, dispatch_uid=f"actions-weight-{when}")
        for model in (Contact, Interaction):
            signal.connect(
                _account_record_changed, sender=model, dispatch_uid=f"actions-{model.__name__}-{when}"
            )
        signal.connect(_stage_changed, sender=Stage, dispatch_uid=f"actions-stage-{when}")
    m2m_changed.connect(
        _log_people_changed, sender=Interaction.their_people.through, dispatch_uid="actions-log-people"
    )
    bulk_written.connect(_bulk_written, dispatch_uid="actions-bulk")
