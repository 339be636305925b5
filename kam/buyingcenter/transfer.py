"""CSV / XLSX export and import of one opportunity's buying center: the stakeholders with their weights per
phase, and (export only) the account's counterpart pairs.

Columns have stable keys so that a file exported, edited in a spreadsheet and imported again round-trips.
Choices are written as codes and read as codes or as their English or Chinese labels. An import is checked
as a whole before anything is written; any error names its row and column, and then nothing is saved.
Writes go through the services (audited, attitude appended to the history). A weight column that appears in
the file sets that phase's weights for the whole buying center: people not in the file get no weight there.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kam.buyingcenter import services
from kam.buyingcenter.choices import (
    BuyingRole,
    ProcurementStep,
    ProjectPhase,
    RelationshipLevel,
    RelationshipType,
)
from kam.buyingcenter.models import CounterpartPair, Stakeholder
from kam.pipeline.choices import Attitude
from kam.pipeline.models import Opportunity

TEXT = ["project_role", "concerns", "next_action"]
COLUMNS = [
    "contact_id",
    "person",
    "department",
    "roles",
    "procurement_steps",
    "project_role",
    "attitude",
    "relationship_type",
    "relationship_level",
    "concerns",
    "is_coach",
    "is_informant",
    "next_action",
    "next_action_due",
    *[f"weight_{phase}" for phase in ProjectPhase.values],
]
PAIR_COLUMNS = ["our_person", "their_contact_id", "their_person", "level", "note"]
_SPLIT = re.compile(r"[;,，；、]\s*")
_TRUE, _FALSE = {"1", "true", "yes", "y", "x", "是", "✓"}, {"", "0", "false", "no", "n", "否"}


def stakeholder_rows(opportunity: Opportunity):
    """The header, then one row per stakeholder (codes, weights as whole percents, blank when unset)."""
    yield COLUMNS
    people = (
        opportunity.stakeholders.select_related("contact")
        .prefetch_related("weights")
        .order_by("contact__name", "id")
    )
    for s in people:
        weights = {w.phase: w.percent for w in s.weights.all()}
        yield [
            s.contact_id,
            s.contact.name,
            s.contact.department,
            ";".join(s.roles),
            ";".join(str(step) for step in s.procurement_steps),
            s.project_role,
            s.attitude,
            s.relationship_type,
            s.relationship_level,
            s.concerns,
            s.is_coach,
            s.is_informant,
            s.next_action,
            s.next_action_due,
            *[weights.get(phase) for phase in ProjectPhase.values],
        ]


def pair_rows(account):
    yield PAIR_COLUMNS
    pairs = CounterpartPair.objects.filter(account=account).select_related("our_person", "their_person")
    for pair in pairs.order_by("level", "their_person__name", "id"):
        yield [pair.our_person.username, pair.their_person_id, pair.their_person.name, pair.level, pair.note]


_NUMBERED = re.compile(r"^\d+\s+")


def _lookup(choices) -> dict[str, object]:
    """Code, English label and Chinese label (lower-cased; "1 Greetings" also as "greetings") → value."""
    table = {str(value).lower(): value for value, _label in choices}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices:
                label = str(label).lower()
                table |= {label: value, _NUMBERED.sub("", label): value}
    return table


class CellError(Exception):
    pass


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _choices(value, choices, *, many: bool):
    raw = _text(value)
    if not raw:
        return [] if many else ""
    table = _lookup(choices)
    parts = [p for p in _SPLIT.split(raw) if p] if many else [raw]
    found = []
    for part in parts:
        key = part.strip().lower()
        if key not in table:
            raise CellError(_("“%(value)s” is not one of the choices.") % {"value": part.strip()})
        found.append(table[key])
    if many:
        return list(dict.fromkeys(found))
    return found[0]


def _steps(value) -> list[int]:
    raw = _text(value)
    steps = []
    for part in (p for p in _SPLIT.split(raw) if p):
        if not part.isdigit() or int(part) not in ProcurementStep.values:
            raise CellError(_("Procurement steps are numbers from 1 to 8, e.g. 4;5."))
        steps.append(int(part))
    return list(dict.fromkeys(steps))


def _level(value):
    raw = _text(value)
    if not raw:
        return None
    if raw.isdigit() and int(raw) in RelationshipLevel.values:
        return int(raw)
    return _choices(raw, RelationshipLevel.choices, many=False)


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    raw = _text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("Write yes or no."))


def _date(value):
    if isinstance(value, datetime.date):
        return value
    raw = _text(value)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise CellError(_("“%(value)s” is not a date; write it as 2024-01-31.") % {"value": raw}) from None


def _weight(value):
    raw = _text(value).removesuffix("%").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 100:
        raise CellError(_("A weight is a whole percent from 0 to 100."))
    return int(raw)


def _attitude(value) -> str:
    raw = _text(value).upper().replace("−", "-")
    if raw and raw not in Attitude.values:
        raise CellError(_("Write the attitude as A … E with an optional + or −, e.g. B+."))
    return raw


PARSERS = {
    "roles": lambda v: _choices(v, BuyingRole.choices, many=True),
    "procurement_steps": _steps,
    "attitude": _attitude,
    "relationship_type": lambda v: _choices(v, RelationshipType.choices, many=False),
    "relationship_level": _level,
    "is_coach": _flag,
    "is_informant": _flag,
    "next_action_due": _date,
    **{column: _text for column in TEXT},
}


@dataclass
class ImportResult:
    errors: list[dict] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    phases: list[str] = field(default_factory=list)

    def error(self, row: int | None, column: str, message) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})


class _Rollback(Exception):
    pass


def import_stakeholders(*, opportunity: Opportunity, actor, table) -> ImportResult:
    """Upsert the file's people into the buying center and set the phases whose weight columns it has."""
    result = ImportResult()
    header = [h.strip().lower() for h in table.header]
    if "contact_id" not in header and "person" not in header:
        result.error(table.header_row, "contact_id", _("The file needs a contact_id or a person column."))
        return result
    contacts = {c.pk: c for c in opportunity.account.contacts.all()}
    by_name: dict[str, list] = {}
    for contact in contacts.values():
        by_name.setdefault(contact.name, []).append(contact)
    phases = [p for p in ProjectPhase.values if f"weight_{p}" in header]
    rows = []
    seen: dict[int, int] = {}
    for number, cells in table.rows:
        cell = dict(zip(header, list(cells) + [""] * (len(header) - len(cells)), strict=False))
        contact = _contact(cell, contacts, by_name, number, result)
        if contact is None:
            continue
        if contact.pk in seen:
            result.error(
                number,
                "person",
                _("%(name)s is already on row %(row)s.") % {"name": contact.name, "row": seen[contact.pk]},
            )
            continue
        seen[contact.pk] = number
        data, weights = {}, {}
        for column, parse in PARSERS.items():
            if column in cell:
                try:
                    data[column] = parse(cell[column])
                except CellError as error:
                    result.error(number, column, error)
        for phase in phases:
            try:
                weights[phase] = _weight(cell[f"weight_{phase}"])
            except CellError as error:
                result.error(number, f"weight_{phase}", error)
        rows.append((number, contact, data, weights))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply(opportunity, actor, rows, phases, result)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.added = result.updated = 0
    return result


def _contact(cell, contacts, by_name, number, result):
    raw_id, name = _text(cell.get("contact_id")), _text(cell.get("person"))
    if raw_id:
        contact = contacts.get(int(raw_id)) if raw_id.isdigit() else None
        if contact is None:
            result.error(number, "contact_id", _("No contact %(id)s at this account.") % {"id": raw_id})
        return contact
    matches = by_name.get(name, [])
    if len(matches) == 1:
        return matches[0]
    if not name:
        result.error(number, "person", _("Say who: a contact_id or the person's name."))
    elif matches:
        result.error(
            number, "person", _("Several contacts are called %(name)s; give the contact_id.") % {"name": name}
        )
    else:
        result.error(number, "person", _("No contact called %(name)s at this account.") % {"name": name})
    return None


def _apply(opportunity, actor, rows, phases, result) -> None:
    existing = {
        s.contact_id: s for s in Stakeholder.objects.filter(opportunity=opportunity).select_related("contact")
    }
    in_file = {}
    for number, contact, data, _weights in rows:
        stakeholder = existing.get(contact.pk)
        try:
            if stakeholder is None:
                stakeholder = services.stakeholder_add(
                    actor=actor, opportunity=opportunity, contact=contact, data=data
                )
                result.added += 1
            else:
                data.setdefault("attitude", stakeholder.attitude)
                if not data["attitude"]:
                    data["attitude"] = stakeholder.attitude  # a blank cell keeps what is known
                services.stakeholder_update(stakeholder=stakeholder, actor=actor, data=data)
                result.updated += 1
        except ValidationError as error:
            for column, messages in _by_column(error).items():
                for message in messages:
                    result.error(number, column, message)
            continue
        in_file[contact.pk] = stakeholder
    if result.errors:
        return
    for phase in phases:
        weights = {s.pk: w[phase] for _n, contact, _d, w in rows if (s := in_file.get(contact.pk))}
        try:
            services.phase_weights_set(opportunity=opportunity, phase=phase, actor=actor, weights=weights)
        except ValidationError as error:
            for message in _by_column(error).get("weights", error.messages):
                result.error(None, f"weight_{phase}", message)
        else:
            result.phases.append(phase)


def _by_column(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("attitude" if k == "attitude_observed_on" else k): v for k, v in error.message_dict.items()}
    return {"": error.messages}
