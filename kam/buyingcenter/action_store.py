""" "My actions" at scale: the rules' outcome of each open deal, kept in `DealActions` (issue 4's target: a
member with 5,000 open opportunities gets the list in ≤ 200 ms p99).

Running the rules on every buying center at every request costs about a second at 5,000 deals (90,000
rows of people and weights; docs/benchmarks.md). Instead each deal's outcome is stored, and a request
recomputes only the rows that are missing or stale:

* the opportunity's `version` moved on (every write to an opportunity bumps it: stage, status, close
  date, owner, imports, handovers), or its owner is not the one stored;
* `valid_until` has come: the day a "keep in touch" action newly fires for someone (the only rule that
  depends on the date);
* a write to another input deleted the row: people, weights and attitudes of the buying center, the
  account's contacts (names) and contact log (last contacts), the process's stages — through post_save /
  post_delete / m2m_changed, and `kam.core.signals.bulk_written` for imports (see `connect()`). Saves of
  the opportunity itself, handovers (`kam.core.owner_changes`) and opportunity imports delete its row too,
  so that no row stays filed under a former owner.

Each row is filed under the deal's owner, with the list's sort key, so that a request works in SQL whatever
the number of deals (`my_actions()`):

1. one grouped query over the user's open deals and their stored rows (a LEFT JOIN, no JSON), by account,
   counts the deals, those whose row is right, and per rule those it asks something of (the rules are
   bits of `fires`); the accounts of the groups are checked with `restrict()` and the others left out
   (an opportunity is in scope exactly when its account is); one count gives the rows filed under the user;
2. only if some rows are missing or stale, or rows are filed under the user for deals that are not (any
   more) their open deals in scope: those deals' ids and versions are read and their rows recomputed, the
   other rows deleted, and step 1 runs again;
3. the rows filed under the user are now exactly the deals of step 1: a page reads its 25 rows in the
   list's order (`ORDER`) from the index on (owner, sort key) of the rows that need something.

Python never sees the other deals.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.lookups import GreaterThan
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from kam.accounts import selectors as account_selectors
from kam.buyingcenter import rules, selectors
from kam.buyingcenter.models import CodepointOrder, DealActions, InfluenceWeight, Stakeholder
from kam.pipeline import selectors as pipeline_selectors
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import Opportunity, Stage

#: Deals per round of queries when recomputing (keeps SQLite below its bound-parameter limit).
CHUNK = 900
NOTHING = len(rules.PRIORITY)  # the priority of a deal without actions: after every rule

#: The deals the list shows: an action of the rules or a planned step (the condition of the owner index).
SHOWN = Q(fires__gt=0) | Q(planned_count__gt=0)
#: The list's order, most urgent first: the first action's sort key (rules.Action.sort_key), then the
#: expected close (none: last) and the deal. The owner index holds the same columns in the same order.
ORDER = (
    "priority",
    F("first_weight").desc(),
    CodepointOrder("first_name"),
    "first_stakeholder",
    F("expected_close").asc(nulls_last=True),
    "opportunity_id",
)
#: What a shown deal needs from the opportunity and the stored outcome (`groups()` reads these).
ROW = (
    "opportunity_id",
    "opportunity__number",
    "opportunity__name",
    "opportunity__account__name",
    "opportunity__stage__code",
    "opportunity__stage__probability",
    "opportunity__expected_close",
    "actions",
    "planned",
)


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
class MyActions:
    """A user's "my actions", up to date: how many deals need something, per rule, and the deals to page."""

    user_id: int
    today: datetime.date
    total: int  # deals that need something (an action or a planned step)
    counts: dict[str, int]  # rule → deals it asks something of, in the rules' order of urgency

    def count(self, rule: str = "") -> int:
        return self.counts[rule] if rule else self.total

    def ids(self, rule: str = "") -> QuerySet:
        """The shown deals' ids (of `rule` only, if given) in the list's order, not read yet: a slice of it is
        a range of the owner index (LIMIT/OFFSET), which `groups()` reads as a subquery.

        The rows filed under the user are exactly their open deals in scope, up to date: `my_actions()`
        made them so (and each write to a deal drops its row).
        """
        ids = DealActions.objects.filter(SHOWN, owner_id=self.user_id)
        if rule:
            ids = ids.filter(GreaterThan(F("fires").bitand(rules.RULE_BITS[rule]), 0))
        return ids.order_by(*ORDER).values_list("opportunity_id", flat=True)


class Listed(Sequence):
    """Shown deals as `OpportunityActions`, read one slice at a time: what django's Paginator pages through.
    Its length is the count `MyActions` already has, so paging costs no COUNT query."""

    def __init__(self, ids: QuerySet, count: int, *, today: datetime.date):
        self.ids, self.length, self.today = ids, count, today

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return groups(self.ids[index], today=self.today)
        return groups(self.ids[index : index + 1], today=self.today)[0]


def my_actions(*, user, today: datetime.date | None = None) -> MyActions:
    """The user's open deals in scope, their stored outcomes brought up to date, counted in SQL.

    One grouped query over the deals and their outcomes (a LEFT JOIN) tells how many deals have a right
    outcome, and per rule how many need something; one count tells how many rows are filed under the user.
    When some outcomes are missing or stale, they are found (ids and versions only) and recomputed; rows
    filed under the user for deals that are no longer theirs, open and in scope are deleted; then it counts
    again. Afterwards the rows filed under the user are exactly their deals, so pages read the owner index.
    """
    today = today or timezone.localdate()
    tally = _tally(user, today)
    filed = DealActions.objects.filter(owner_id=user.pk).count()
    if tally.right < tally.deals or filed != tally.right:
        deals = pipeline_selectors.opportunity_list(user=user)
        deals = deals.filter(owner=user, status=OpportunityStatus.OPEN)
        accounts = pipeline_selectors.few_visible_accounts(user)
        if accounts is not None:  # a hint, as on the board: else PostgreSQL hashes every account for scope
            deals = deals.filter(account_id__any=accounts)
        deals = deals.order_by()
        stale = deals.filter(~Exists(_right_rows(today).filter(opportunity_id=OuterRef("pk"))))
        refresh(stale.values_list(*DEAL), today=today)
        DealActions.objects.filter(owner_id=user.pk).exclude(opportunity_id__in=deals.values("pk")).delete()
        tally = _tally(user, today)
    return MyActions(user.pk, today, tally.shown, tally.counts)


#: What `refresh()` needs of a deal.
DEAL = ("pk", "version", "process_id", "stage_id", "owner_id", "expected_close")


@dataclass
class _Tally:
    deals: int = 0  # open deals in scope
    right: int = 0  # of which with a right outcome
    shown: int = 0  # of which needing something
    counts: dict[str, int] | None = None


def _still_right(today: datetime.date, prefix: str = "") -> Q:
    """Stored outcomes whose "keep in touch" actions are still those of `today`."""
    return Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": today})


def _right_rows(today: datetime.date) -> QuerySet:
    """Stored outcomes that are right for their deal as it is now (to correlate on `opportunity_id`)."""
    return DealActions.objects.filter(
        _still_right(today), opportunity_version=OuterRef("version"), owner_id=OuterRef("owner_id")
    )


def _tally(user, today: datetime.date) -> _Tally:
    """The user's open deals in scope, grouped by (account, right outcome or not, the rules that fire,
    planned steps or not) and summed here. One query over the deals and the rows filed under the user,
    then the accounts checked through `restrict()`.

    Why by account: an opportunity is in scope exactly when its account is (restrict() registers
    Opportunity under `account__`), so the few accounts of the groups are checked once, instead of one
    account lookup per deal for the scope (5,000 index probes: two thirds of the query at 5,000 deals).
    Joining the stored rows on the owner as well lets the database take the user's rows by the owner
    index in one pass; a row filed under someone else is not right for the deal either way.
    """
    digest = FilteredRelation("action_digest", condition=Q(action_digest__owner_id=user.pk))
    right = Q(digest__opportunity_version=F("version")) & _still_right(today, "digest__")
    grouped = list(
        Opportunity.objects.filter(owner=user, status=OpportunityStatus.OPEN)
        .order_by()
        .annotate(digest=digest)
        .values_list(
            "account_id",
            ExpressionWrapper(right, output_field=BooleanField()),
            "digest__fires",
            ExpressionWrapper(Q(digest__planned_count__gt=0), output_field=BooleanField()),
        )
        .annotate(n=Count("pk"))
    )
    visible = set(
        account_selectors.account_list(user=user)
        .filter(pk__any={row[0] for row in grouped})
        .order_by()
        .values_list("pk", flat=True)
    )
    tally = _Tally(counts=dict.fromkeys(rules.RULE_BITS, 0))
    for account_id, is_right, fires, planned, n in grouped:
        if account_id not in visible:
            continue
        tally.deals += n
        if is_right:
            tally.right += n
            tally.shown += n if fires or planned else 0
            for rule, bit in rules.RULE_BITS.items():
                tally.counts[rule] += n if fires & bit else 0
    return tally


def groups(ids, *, today: datetime.date | None = None) -> list[OpportunityActions]:
    """The deals `ids` (a sliced `MyActions.ids()`, or a list) in the list's order, with their actions and
    planned steps: one query."""
    today = today or timezone.localdate()
    rows = DealActions.objects.filter(opportunity_id__in=ids).order_by(*ORDER).values_list(*ROW)
    return [
        OpportunityActions(
            pk, number, name, account_name, code, probability, close,
            [_action(stored, today) for stored in actions],
            [PlannedAction(sid, person, step, _date(due)) for sid, person, step, due in planned],
        )
        for pk, number, name, account_name, code, probability, close, actions, planned in rows
    ]  # fmt: skip


def refresh(deals, *, today: datetime.date) -> None:
    """Recompute and store the outcome of `deals` ((pk, version, process_id, stage_id, owner_id,
    expected_close) tuples)."""
    deals = list(deals)
    if not deals:
        return
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
            # an upsert: two requests recomputing the same deals at once both succeed
            DealActions.objects.bulk_create(
                [_digest(deal, outcomes[deal[0]], today) for deal in chunk],
                update_conflicts=True,
                unique_fields=["opportunity"],
                update_fields=STORED,
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


def _digest(deal: tuple, outcome: tuple, today: datetime.date) -> DealActions:
    pk, version, _process, _stage, owner_id, expected_close = deal
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
        owner_id=owner_id,
        expected_close=expected_close,
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


#: The columns an upsert of a recomputed outcome writes (all but the key).
STORED = [field.name for field in DealActions._meta.concrete_fields if not field.primary_key]


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


def _opportunity_saved(sender, instance, created, **kwargs):
    """Any save of a deal (its version moves on: stage, status, close date, owner) drops its outcome, so
    that no row stays filed under a former owner or for a closed deal."""
    if not created:
        forget(opportunity_ids=[instance.pk])


@contextmanager
def _owners_changing(ids):
    """Handovers move deals with QuerySet.update() (kam.users.handover), announced by owner_change()."""
    yield
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        forget(opportunity_ids=ids[start : start + CHUNK])


#: Models whose bulk writes (imports) make the outcomes of their accounts' deals wrong: contact names, the
#: contact log, and the deals themselves (their owner, stage, close date).
BULK_INPUTS = {"accounts.Contact", "accounts.Interaction", "pipeline.Opportunity"}


def _bulk_written(sender, account_ids, **kwargs):
    if sender._meta.label in BULK_INPUTS and account_ids:
        forget(account_ids=sorted(account_ids))


def connect() -> None:
    """Called from the app's ready(): the writes that make stored outcomes wrong."""
    from kam.accounts.models import Contact, Interaction
    from kam.core.owner_changes import register_owner_change
    from kam.core.signals import bulk_written

    post_save.connect(_opportunity_saved, sender=Opportunity, dispatch_uid="actions-opportunity-save")
    register_owner_change("pipeline.Opportunity", _owners_changing)

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
