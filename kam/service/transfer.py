"""CSV / XLSX export and import of relationship stages, category spend and service requests.

Columns have stable keys, so a file exported, edited and imported again round-trips. Accounts are found by
their code (else their exact name) among those the user may change. Stages are read as codes or as their
English or Chinese labels. An import is checked as a whole first; any error names its row and column, and
then nothing is saved. Writes go through the services (audited; a stage import appends to the history and
needs a reason per row; a row at the account's current stage is skipped; a request file opens the new
requests and resolves the open ones it gives a resolution for).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam.accounts import selectors as account_selectors
from kam.service import services
from kam.service.choices import RequestKind, RequestPriority, Stage
from kam.service.models import RelationshipStage, ServiceRequest

STAGE_COLUMNS = ["account_code", "account", "stage", "since", "reason"]
SPEND_COLUMNS = ["account_code", "account", "year", "amount", "currency", "source"]


def stage_rows(accounts):
    """The header, then one row per visible account with its stage (blank when not set)."""
    yield STAGE_COLUMNS
    for account in accounts.order_by("name", "id").iterator(chunk_size=2000):
        stage = getattr(account, "relationship_stage", None)
        yield [account.code, account.name, stage.stage if stage else "", stage.since if stage else "", ""]


def spend_rows(spends):
    yield SPEND_COLUMNS
    for spend in spends.order_by("account__name", "-year").iterator(chunk_size=2000):
        yield [spend.account.code, spend.account.name, spend.year, spend.amount, spend.currency, spend.source]


@dataclass
class ImportResult:
    errors: list[dict] = field(default_factory=list)
    saved: int = 0

    def error(self, row: int | None, column: str, message) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})


class _Rollback(Exception):
    pass


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _cells(table):
    header = [_text(h).lower() for h in table.header]
    for number, cells in table.rows:
        yield number, dict(zip(header, list(cells) + [""] * (len(header) - len(cells)), strict=False))


def _stage_labels() -> dict[str, str]:
    labels = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            labels.update({str(label).casefold(): value for value, label in Stage.choices})
    labels.update({value: value for value in Stage.values})
    return labels


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Write the date as YYYY-MM-DD.")) from None


class _Accounts:
    """The accounts the user may change, by code and by exact name, loaded once per import."""

    def __init__(self, user):
        self.by_code, self.by_name = {}, {}
        for account in account_selectors.account_list(user=user, action="change").select_related(None):
            if account.code:
                self.by_code[account.code] = account
            self.by_name.setdefault(account.name, []).append(account)

    def find(self, cell, number, result):
        code, name = _text(cell.get("account_code")), _text(cell.get("account"))
        if code:
            account = self.by_code.get(code)
            if account is None:
                result.error(
                    number, "account_code", _("No account %(code)s you may change.") % {"code": code}
                )
            return account
        matches = self.by_name.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if not name:
            result.error(number, "account_code", _("Give the account's code or name."))
        elif matches:
            result.error(
                number, "account", _("Several accounts are called %(name)s; give the code.") % {"name": name}
            )
        else:
            result.error(number, "account", _("No account %(name)s you may change.") % {"name": name})
        return None


#: The file's column of a service's field, where a service error names one.
FIELD_COLUMNS = {"changed_on": "since", "to_stage": "stage", "reason": "reason", "resolved_at": "resolved_at"}


def _apply(rows, result, write) -> ImportResult:
    """Run `write` for each checked row in one transaction; a service error rolls everything back."""
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for number, column, args in rows:
                try:
                    write(**args)
                except ValidationError as error:
                    named = getattr(error, "error_dict", {})
                    fields = [FIELD_COLUMNS[f] for f in named if f in FIELD_COLUMNS]
                    result.error(number, fields[0] if fields else column, " ".join(error.messages))
                else:
                    result.saved += 1
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.saved = 0
    return result


def import_stages(*, user, table) -> ImportResult:
    """Move each row's account to its stage (a new history entry with the row's date and reason)."""
    result = ImportResult()
    accounts, labels = _Accounts(user), _stage_labels()
    current = dict(RelationshipStage.objects.values_list("account_id", "stage"))
    rows, seen = [], {}
    for number, cell in _cells(table):
        account = accounts.find(cell, number, result)
        stage_text = _text(cell.get("stage"))
        stage = labels.get(stage_text.casefold()) if stage_text else None
        if stage is None:
            result.error(
                number, "stage", _("%(value)s is not a relationship stage.") % {"value": stage_text or "—"}
            )
        try:
            since = _date(cell.get("since"))
        except ValueError as error:
            result.error(number, "since", error)
            since = None
        if account is None or stage is None or current.get(account.pk) == stage:
            continue
        reason = _text(cell.get("reason"))
        if not reason:
            result.error(number, "reason", _("Say why the stage changes."))
        if account.pk in seen:
            result.error(
                number, "account", _("This account is already on row %(row)s.") % {"row": seen[account.pk]}
            )
        seen[account.pk] = number
        args = {"account": account, "to_stage": stage, "reason": reason, "changed_on": since, "actor": user}
        rows.append((number, "stage", args))
    return _apply(rows, result, services.stage_change)


def import_spend(*, user, table) -> ImportResult:
    """Set each row's estimated category spend for its year."""
    result = ImportResult()
    accounts = _Accounts(user)
    rows, seen = [], {}
    for number, cell in _cells(table):
        account = accounts.find(cell, number, result)
        year_text = _text(cell.get("year")).removesuffix(".0")
        year = int(year_text) if year_text.isdigit() and 1990 <= int(year_text) <= 2100 else None
        if year is None:
            result.error(number, "year", _("Write the year as four digits, e.g. 2026."))
        try:
            amount = Decimal(_text(cell.get("amount")).replace(",", ""))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount <= 0:
            result.error(number, "amount", _("Write the estimated spend as a positive number."))
            amount = None
        if account is None or year is None or amount is None:
            continue
        if (account.pk, year) in seen:
            result.error(
                number,
                "year",
                _("This account and year are already on row %(row)s.") % {"row": seen[(account.pk, year)]},
            )
        seen[(account.pk, year)] = number
        args = {
            "account": account,
            "year": year,
            "amount": amount.quantize(Decimal("0.01")),
            "currency": _text(cell.get("currency")).upper(),
            "source": _text(cell.get("source")),
            "actor": user,
        }
        rows.append((number, "amount", args))
    return _apply(rows, result, services.spend_set)


REQUEST_COLUMNS = [
    "number", "account_code", "account", "kind", "priority", "title", "description", "opened_at", "due_at",
    "resolved_at", "sla_breached", "resolution",
]  # fmt: skip
MOMENT_FORMAT = "%Y-%m-%d %H:%M"


def _moment(value) -> str:
    """A time as text in the local zone, so a spreadsheet keeps its hours and minutes."""
    return timezone.localtime(value).strftime(MOMENT_FORMAT) if value else ""


def request_rows(requests, *, now):
    """The header, then one row per request with whether its SLA was breached as of `now`."""
    yield REQUEST_COLUMNS
    for request in requests.order_by("-opened_at", "-id").iterator(chunk_size=2000):
        yield [
            request.number,
            request.account.code,
            request.account.name,
            request.kind,
            request.priority,
            request.title,
            request.description,
            _moment(request.opened_at),
            _moment(request.due_at),
            _moment(request.resolved_at),
            request.breached(now),
            request.resolution,
        ]


def _choice_codes(choices) -> dict[str, str]:
    """A choice's code and its English and Chinese labels, case-folded, to its code."""
    codes = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            codes.update({str(label).casefold(): value for value, label in choices.choices})
    codes.update({value: value for value in choices.values})
    return codes


def _datetime(value, *, now) -> datetime.datetime | None:
    """A local date and time written YYYY-MM-DD HH:MM (seconds allowed); None when blank. A bare date is
    refused rather than read as midnight, because the SLA counts hours."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        raise ValueError(_("Give the time too, as YYYY-MM-DD HH:MM (in a spreadsheet, as text)."))
    else:
        text = _text(value)
        if not text:
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Write the time as YYYY-MM-DD HH:MM.")) from None
        if len(text) <= 10:
            raise ValueError(_("Give the time too, as YYYY-MM-DD HH:MM (in a spreadsheet, as text)."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now:
        raise ValueError(_("This time is in the future."))
    return moment


def _known_requests(account_ids) -> dict[tuple[int, str], ServiceRequest]:
    """The requests already recorded under the file's accounts, by (account id, number)."""
    return {
        (request.account_id, request.number): request
        for request in ServiceRequest.objects.filter(account_id__in=account_ids)
    }


def import_requests(*, user, table) -> ImportResult:
    """Open each row's request (a complaint is also recorded as tiering feedback) and, when the row gives
    when and how it was resolved, resolve it. A row whose number the account already has may only resolve
    that request; a row that changes nothing is skipped. The due time always follows the priority's SLA."""
    result = ImportResult()
    now = timezone.now()
    accounts, kinds, priorities = _Accounts(user), _choice_codes(RequestKind), _choice_codes(RequestPriority)
    checked = []
    for number, cell in _cells(table):
        account = accounts.find(cell, number, result)
        row = {"number": _text(cell.get("number")), "title": _text(cell.get("title"))}
        for column, codes in (("kind", kinds), ("priority", priorities)):
            text = _text(cell.get(column))
            row[column] = codes.get(text.casefold()) if text else ""
            if row[column] is None:
                result.error(number, column, _("%(value)s is not one of the choices.") % {"value": text})
        if not row["title"]:
            result.error(number, "title", _("Give the subject."))
        elif len(row["title"]) > 200:
            result.error(number, "title", _("Keep the subject to 200 characters."))
        if len(row["number"]) > 40:
            result.error(number, "number", _("Keep the number to 40 characters."))
        for column in ("opened_at", "resolved_at"):
            try:
                row[column] = _datetime(cell.get(column), now=now)
            except ValueError as error:
                result.error(number, column, error)
                row[column] = False  # unreadable, and said so: neither blank nor a time
        row["resolution"] = _text(cell.get("resolution"))
        if row["resolved_at"] and not row["resolution"]:
            result.error(number, "resolution", _("Say how it was resolved."))
        if row["resolution"] and row["resolved_at"] is None:
            result.error(number, "resolved_at", _("Give the time it was resolved."))
        if row["resolved_at"] and row["opened_at"] is None and not row["number"]:
            result.error(number, "opened_at", _("Give the time it was opened."))
        if row["opened_at"] and row["resolved_at"] and row["resolved_at"] < row["opened_at"]:
            result.error(number, "resolved_at", _("It cannot be resolved before it was opened."))
        row["description"] = _text(cell.get("description"))
        checked.append((number, account, row))
    known = _known_requests({account.pk for _number, account, _row in checked if account is not None})
    rows, seen = [], {}
    for number, account, row in checked:
        if account is None:
            continue
        if row["number"]:
            key = (account.pk, row["number"])
            if key in seen:
                result.error(
                    number, "number", _("This request is already on row %(row)s.") % {"row": seen[key]}
                )
            seen[key] = number
        existing = known.get((account.pk, row["number"])) if row["number"] else None
        if existing is None:
            rows.append((number, "number", {"account": account, "row": row}))
            continue
        changed = [c for c in ("kind", "priority", "title") if row[c] and row[c] != getattr(existing, c)]
        for column in changed:
            result.error(
                number,
                column,
                _("Request %(number)s exists with another value here; a file can only resolve it.")
                % {"number": existing.number},
            )
        if not changed and row["resolved_at"] and existing.resolved_at is None:
            rows.append((number, "resolved_at", {"request": existing, "row": row}))
    result.errors.sort(key=lambda error: error["row"] or 0)
    return _apply(rows, result, lambda **args: _write_request(actor=user, **args))


def _write_request(*, actor, row, account=None, request=None) -> None:
    if request is None:
        data = {name: row[name] for name in ("number", "title", "description")}
        data["kind"] = row["kind"] or RequestKind.REQUEST
        data["priority"] = row["priority"] or RequestPriority.NORMAL
        request = services.request_open(
            account=account, actor=actor, data={**data, "opened_at": row["opened_at"], "owner": actor}
        )
    if row["resolved_at"]:
        services.request_resolve(
            request=request, actor=actor, resolution=row["resolution"], resolved_at=row["resolved_at"]
        )
