"""CSV / XLSX export and import of relationship stages and category spend, and the export of service requests.

Columns have stable keys, so a file exported, edited and imported again round-trips. Accounts are found by
their code (else their exact name) among those the user may change. Stages are read as codes or as their
English or Chinese labels. An import is checked as a whole first; any error names its row and column, and
then nothing is saved. Writes go through the services (audited; a stage import appends to the history and
needs a reason per row; a row at the account's current stage is skipped).
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
from kam.service.choices import Stage
from kam.service.models import RelationshipStage

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
                    result.error(number, column, " ".join(error.messages))
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
    "number", "account_code", "account", "kind", "priority", "title", "opened_at", "due_at", "resolved_at",
    "sla_breached", "resolution",
]  # fmt: skip


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
            timezone.localtime(request.opened_at).replace(tzinfo=None),
            timezone.localtime(request.due_at).replace(tzinfo=None),
            timezone.localtime(request.resolved_at).replace(tzinfo=None) if request.resolved_at else "",
            request.breached(now),
            request.resolution,
        ]
