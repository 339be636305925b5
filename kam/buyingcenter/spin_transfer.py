"""CSV / XLSX export and import of an opportunity's SPIN plans (M4.6): one row per question asked, with its
plan's columns (person, need, stage, FAB, value inputs) on each row; a plan without questions has one row.

A plan is identified by its person and its need, so a file exported, edited and imported again updates the
plans instead of adding copies. Plan columns are read from a plan's first row. The questions in the file
are the plan's questions: one already asked (same kind and words) keeps its record and gets the file's
answer, new ones are added (linked to the library when the words match a library question), and questions
of that plan missing from the file are removed. Everything is checked before anything is written; any error
names its row and column, and then nothing is saved. Writes go through the services (audited).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kam.accounts.choices import Currency
from kam.buyingcenter import services
from kam.buyingcenter.choices import NeedStage, SpinKind
from kam.buyingcenter.models import SpinPlan, SpinQuestion, Stakeholder

PLAN_COLUMNS = [
    "need",
    "need_stage",
    "edge",
    "feature",
    "advantage",
    "benefit",
    "value_volume",
    "value_volume_unit",
    "value_per",
    "value_baseline",
    "value_improvement",
    "value_quantity_unit",
    "value_unit_price",
    "value_currency",
    "value_horizon",
]
STEP_COLUMNS = ["kind", "question", "question_en", "answer", "answered_on"]
COLUMNS = ["contact_id", "person", *PLAN_COLUMNS, *STEP_COLUMNS]
TEXT = {"need", "edge", "feature", "advantage", "benefit", "value_volume_unit", "value_quantity_unit"}
DECIMALS = {"value_volume", "value_per", "value_baseline", "value_improvement", "value_unit_price"}
_NUMBERED = re.compile(r"^\d+\s+")


def plan_rows(opportunity):
    """The header, then a row per question asked (or one per plan without questions)."""
    yield COLUMNS
    plans = (
        SpinPlan.objects.filter(stakeholder__opportunity=opportunity)
        .select_related("stakeholder__contact")
        .prefetch_related("steps")
        .order_by("stakeholder__contact__name", "id")
    )
    for plan in plans:
        head = [plan.stakeholder.contact_id, plan.stakeholder.contact.name]
        head += [getattr(plan, column) for column in PLAN_COLUMNS]
        steps = sorted(plan.steps.all(), key=lambda s: s.id)
        if not steps:
            yield [*head, *[""] * len(STEP_COLUMNS)]
        for step in steps:
            yield [*head, step.kind, step.text, step.text_en, step.answer, step.answered_on]


class CellError(Exception):
    pass


@dataclass
class ImportResult:
    errors: list[dict] = field(default_factory=list)
    added: int = 0
    updated: int = 0

    def error(self, row: int | None, column: str, message) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})


class _Rollback(Exception):
    pass


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _lookup(choices) -> dict[str, object]:
    table = {str(value).lower(): value for value, _label in choices}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices:
                label = str(label).lower()
                table |= {label: value, _NUMBERED.sub("", label): value}
    return table


def _decimal(value):
    raw = _text(value).replace(",", "")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None


def _stage(value):
    raw = _text(value)
    if not raw:
        return NeedStage.SLIGHTLY
    if raw.isdigit() and int(raw) in NeedStage.values:
        return int(raw)
    found = _lookup([(str(v), label) for v, label in NeedStage.choices]).get(raw.lower())
    if found is None:
        raise CellError(_("The need stage is 1 to 4, e.g. 4 for “must change now”."))
    return int(found)


def _horizon(value):
    raw = _text(value).removesuffix(".0")
    if not raw:
        return None
    if not raw.isdigit():
        raise CellError(_("The horizon is a whole number of years from 1 to 50."))
    return int(raw)


def _currency(value):
    raw = _text(value).upper()
    if not raw:
        return Currency.CNY
    if raw not in Currency.values:
        raise CellError(_("“%(value)s” is not one of the choices.") % {"value": raw})
    return raw


def _kind(value):
    raw = _text(value)
    if not raw:
        return ""
    found = _lookup(SpinKind.choices).get(raw.lower())
    if found is None:
        raise CellError(_("The kind is S, P, I or N."))
    return found


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


PLAN_PARSERS = {
    **{column: _text for column in TEXT},
    **{column: _decimal for column in DECIMALS},
    "need_stage": _stage,
    "value_currency": _currency,
    "value_horizon": _horizon,
}


def _stakeholder(cell, by_contact, by_name, number, result):
    raw_id, name = _text(cell.get("contact_id")), _text(cell.get("person"))
    if raw_id:
        found = by_contact.get(int(raw_id)) if raw_id.isdigit() else None
        if found is None:
            result.error(
                number, "contact_id", _("Contact %(id)s is not in this buying center.") % {"id": raw_id}
            )
        return found
    matches = by_name.get(name, [])
    if len(matches) == 1:
        return matches[0]
    if not name:
        result.error(number, "person", _("Say who: a contact_id or the person's name."))
    elif matches:
        result.error(
            number, "person", _("Several people are called %(name)s; give the contact_id.") % {"name": name}
        )
    else:
        result.error(
            number, "person", _("%(name)s is not in this buying center; add them first.") % {"name": name}
        )
    return None


def import_plans(*, opportunity, actor, table) -> ImportResult:
    """Upsert the file's SPIN plans (by person and need) and set their questions and answers."""
    result = ImportResult()
    header = [_text(h).lower() for h in table.header]
    if "need" not in header or not ({"contact_id", "person"} & set(header)):
        result.error(
            table.header_row, "need", _("The file needs a need column and a contact_id or person column.")
        )
        return result
    people = list(Stakeholder.objects.filter(opportunity=opportunity).select_related("contact"))
    by_contact = {s.contact_id: s for s in people}
    by_name: dict[str, list] = {}
    for stakeholder in people:
        by_name.setdefault(stakeholder.contact.name, []).append(stakeholder)
    groups: dict[tuple, dict] = {}
    for number, cells in table.rows:
        cell = dict(zip(header, list(cells) + [""] * (len(header) - len(cells)), strict=False))
        stakeholder = _stakeholder(cell, by_contact, by_name, number, result)
        need = _text(cell.get("need"))
        if not need:
            result.error(number, "need", _("Say what the need is."))
        if stakeholder is None or not need:
            continue
        key = (stakeholder.pk, need.casefold())
        if key not in groups:
            data = {}
            for column, parse in PLAN_PARSERS.items():
                if column in cell:
                    try:
                        data[column] = parse(cell[column])
                    except CellError as error:
                        result.error(number, column, error)
            groups[key] = {"row": number, "stakeholder": stakeholder, "data": data, "steps": []}
        step = {}
        for column, parse in (("kind", _kind), ("answered_on", _date)):
            try:
                step[column] = parse(cell.get(column))
            except CellError as error:
                result.error(number, column, error)
        if len(step) < 2:
            continue
        kind = step["kind"]
        text = _text(cell.get("question"))
        if kind and not text:
            result.error(number, "question", _("Write the question."))
        elif text and not kind:
            result.error(number, "kind", _("The kind is S, P, I or N."))
        elif kind:
            groups[key]["steps"].append(
                {
                    "row": number,
                    "kind": kind,
                    "text": text,
                    "text_en": _text(cell.get("question_en")),
                    "answer": _text(cell.get("answer")),
                    "answered_on": step["answered_on"],
                }
            )
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply(opportunity, actor, groups, result)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.added = result.updated = 0
    return result


def _library() -> dict[tuple[str, str], SpinQuestion]:
    found = {}
    for question in SpinQuestion.objects.filter(is_active=True):
        for words in (question.text, question.text_en):
            if words:
                found.setdefault((question.kind, words.casefold()), question)
    return found


def _report(result, number, error: ValidationError) -> None:
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for column, texts in messages.items():
        for text in texts:
            result.error(number, column, text)


def _apply(opportunity, actor, groups, result) -> None:
    existing = {
        (p.stakeholder_id, p.need.casefold()): p
        for p in SpinPlan.objects.filter(stakeholder__opportunity=opportunity).prefetch_related("steps")
    }
    library = _library()
    for key, group in groups.items():
        plan = existing.get(key)
        data = {"need": group["data"].get("need") or key[1], **group["data"]}
        try:
            if plan is None:
                plan = services.spin_plan_create(actor=actor, stakeholder=group["stakeholder"], data=data)
                result.added += 1
                saved = {}
            else:
                changed = {k: v for k, v in data.items() if getattr(plan, k) != v}
                if changed:
                    plan = services.spin_plan_update(plan=plan, actor=actor, data=changed)
                result.updated += 1
                saved = {(s.kind, s.text.casefold()): s for s in plan.steps.all()}
        except ValidationError as error:
            _report(result, group["row"], error)
            continue
        kept = set()
        for step in group["steps"]:
            found = saved.get((step["kind"], step["text"].casefold()))
            try:
                if found is not None:
                    kept.add(found.pk)
                    answer = {"answer": step["answer"], "answered_on": step["answered_on"]}
                    if any(getattr(found, k) != v for k, v in answer.items()):
                        services.spin_step_update(step=found, actor=actor, data=answer)
                    continue
                question = library.get((step["kind"], step["text"].casefold()))
                services.spin_step_add(
                    actor=actor,
                    plan=plan,
                    kind=step["kind"],
                    question=question,
                    text=step["text"],
                    text_en=step["text_en"],
                    answer=step["answer"],
                    answered_on=step["answered_on"],
                )
            except ValidationError as error:
                _report(result, step["row"], error)
        for step in saved.values():
            if step.pk not in kept:
                services.spin_step_delete(step=step, actor=actor)
