"""Checking and saving the rows of one import: parse every cell, resolve codes, then write in bulk.

An importer works in three steps, so that nothing is written unless every row is good:
`parse()` runs the column parsers over all rows; `plan()` resolves codes and names against dicts
loaded once (a few queries, not one per row), splits the rows into creates, updates and unchanged,
and records located errors; `write()` — called inside one transaction only when there is no
error — saves in bulk (kam.core.bulk) and writes one audit entry per created or changed record.
"""

import abc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from kam.accounts import selectors as account_selectors
from kam.accounts.models import Account, Contact, Industry, Interaction
from kam.audit.models import AuditAction
from kam.audit.services import audit_bulk, audit_create, snapshot
from kam.core import bulk
from kam.core.owner_changes import owner_change
from kam.core.signals import bulk_written
from kam.imports.readers import Table
from kam.imports.specs import (
    COLUMNS,
    EXPORT_ONLY,
    OMIT,
    CellError,
    Column,
    header_lookup,
    normalize_header,
)
from kam.pipeline import selectors as pipeline_selectors
from kam.pipeline.choices import OpportunityStatus
from kam.pipeline.models import (
    CriterionCheck,
    Opportunity,
    SalesProcess,
    Stage,
    StageCriterion,
    StageTransition,
)
from kam.pipeline.services import default_process, next_numbers
from kam.pipeline.summary import forecast_changes
from kam.users.models import User

#: Below SQLite's limit of 999 parameters per query.
CHUNK = 900
#: Rows checked, and reported as progress, at a time.
BATCH = 1000
MAX_STORED_ERRORS = 1000
#: The parsed value of a bad cell (its error is recorded).
BAD = object()


def _account_of(instance) -> int | None:
    """The account a written record belongs to (an account is its own)."""
    if isinstance(instance, Account):
        return instance.pk
    return getattr(instance, "account_id", None)


class StaleImportError(Exception):
    """A record the import updates was changed by someone else after the rows were checked."""


def chunked(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(slots=True)
class Row:
    number: int
    values: dict
    #: The record this row updates (matched on its code), or None for a new record.
    instance: models.Model | None = None
    #: Model attribute → value, for the record to create or the fields to set.
    fields: dict = field(default_factory=dict)
    #: attname → Row: a reference to a record that this same import creates (its id is known later).
    pending: dict = field(default_factory=dict)
    #: Many-to-many name → ids, for the fields the file sets.
    m2m: dict = field(default_factory=dict)
    #: The audit snapshot before the change, for updates.
    before: dict | None = None

    @property
    def node(self) -> int:
        """A key in the reference graph: the record's id, or minus the row number for a new one."""
        return self.instance.pk if self.instance is not None else -self.number


class Errors:
    """Located errors {row, column, message}: all counted, the first MAX_STORED_ERRORS kept."""

    def __init__(self):
        self.items: list[dict] = []
        self.count = 0

    def add(self, row: int | None, column: str, message) -> None:
        self.count += 1
        if len(self.items) < MAX_STORED_ERRORS:
            self.items.append({"row": row, "column": column, "message": str(message)})

    def __bool__(self):
        return self.count > 0

    def sorted(self) -> list[dict]:
        return sorted(self.items, key=lambda error: error["row"] or 0)


class Importer(abc.ABC):
    """What every kind shares; subclasses resolve their references in `resolve()`."""

    kind: str
    model: type[models.Model]
    #: Spec columns stored as they are on the model (the rest are references resolved by code).
    plain_columns: tuple[str, ...]
    #: The unique field (and column) a row is matched on, so that a re-import updates, not duplicates.
    code_field = "code"
    duplicate_message = _("the code “%(code)s” is already used on row %(row)s.")
    #: The ImportJob being run (set by import_run; the ledger kinds audit their batch under it).
    job = None

    def __init__(self, *, actor: User):
        self.actor = actor
        self.columns: list[Column] = COLUMNS[self.kind]
        self.errors = Errors()
        self.many_to_many = {f.name for f in self.model._meta.many_to_many}
        self.headers: dict[str, str] = {}
        self.users: dict[str, int] = {}
        self.assignable: set[int] = set()
        self.creates: list[Row] = []
        self.updates: list[Row] = []
        self.unchanged = 0

    @property
    def created_count(self) -> int:
        return len(self.creates)

    @property
    def updated_count(self) -> int:
        return len(self.updates)

    def close(self) -> None:  # noqa: B027 - a hook: the ledger kinds drop their staging tables here
        """Release what the import held between its steps (called once, whatever happened)."""

    def error(self, row: Row | int, key: str, message) -> None:
        number = row.number if isinstance(row, Row) else row
        self.errors.add(number, self.headers.get(key, key), message)

    # Step 1: cells ---------------------------------------------------------------------------

    def map_header(self, table: Table) -> list[tuple[int, Column]]:
        lookup = header_lookup(self.columns)
        mapped = []
        for index, name in enumerate(table.header):
            if not name:
                continue
            column = lookup.get(normalize_header(name))
            if column is None and normalize_header(name) in EXPORT_ONLY.get(self.kind, ()):
                continue  # an export's read-only column: the file came from our own export
            if column is None:
                self.errors.add(table.header_row, name, _("unknown column."))
            elif column.key in self.headers:
                self.errors.add(table.header_row, name, _("this column appears twice."))
            else:
                self.headers[column.key] = name
                mapped.append((index, column))
        for column in self.columns:
            if column.required and column.key not in self.headers:
                self.errors.add(table.header_row, column.key, _("this required column is missing."))
        return mapped

    def parse(self, table: Table, progress: Callable[[int], None]) -> list[Row]:
        """Run each column's parser over every row; a bad cell is an error, the other cells still count."""
        mapped = self.map_header(table)
        if self.errors:
            return []
        rows = []
        for numbers, columns, _bad in self.parse_blocks(table, mapped, progress, BATCH):
            keys = list(columns)
            for number, *values in zip(numbers, *columns.values(), strict=True):
                kept = {k: v for k, v in zip(keys, values, strict=True) if v is not OMIT and v is not BAD}
                rows.append(Row(number, kept))
        return rows

    def parse_blocks(
        self, table: Table, mapped: list[tuple[int, Column]], progress: Callable[[int], None], size: int
    ) -> Iterator[tuple[list[int], dict[str, list], set[int]]]:
        """The file's rows, `size` at a time, through `parse_block`; progress is reported after each block."""
        cells = [(index, column.parse, column.key) for index, column in mapped]
        unnamed = [index for index, name in enumerate(table.header) if not name]
        seen = 0
        while block := list(islice(table.rows, size)):
            yield self.parse_block(block, cells, len(table.header), unnamed)
            seen += len(block)
            progress(seen)
        if not seen:
            progress(0)

    def parse_block(
        self, block: list[tuple[int, list]], cells: list, width: int, unnamed: list[int]
    ) -> tuple[list[int], dict[str, list], set[int]]:
        """A block's row numbers, {column key: parsed values} and the numbers of the rows with a bad cell
        (or a filled cell under no header).

        A column's vector parser (specs) reads it in one pass, or, if it returns None, the column's parser
        reads it cell by cell, which locates each bad cell as an error (its value is BAD). A short row's
        missing cells read as blank; a cell under no header is an error. Errors are found column by column
        within a block, so past MAX_STORED_ERRORS the ones kept may all be of one column (all are counted).
        """
        numbers = [number for number, _raw in block]
        raws = [raw for _number, raw in block]
        bad = set()
        if unnamed or any(len(raw) != width for raw in raws):
            for position, (number, raw) in enumerate(block):
                stray = [*unnamed, *range(width, len(raw))]
                if stray and self._check_unnamed_cells(number, raw, stray):
                    bad.add(number)
                if len(raw) != width:
                    raws[position] = [*raw[:width], *[""] * (width - len(raw))]
        table = list(zip(*raws, strict=True))
        columns = {}
        for index, parse, key in cells:
            many = getattr(parse, "many", None)
            values = many(table[index]) if many is not None else None
            if values is None:
                values = []
                for number, cell in zip(numbers, table[index], strict=True):
                    try:
                        values.append(parse(cell))
                    except CellError as problem:
                        self.error(number, key, problem.message)
                        bad.add(number)
                        values.append(BAD)
            columns[key] = values
        return numbers, columns, bad

    def _check_unnamed_cells(self, number: int, raw: list, indexes: Iterable[int]) -> bool:
        """Report each filled cell under no header; True if there was one."""
        found = False
        for index in indexes:
            if index < len(raw) and str(raw[index]).strip():
                self.errors.add(number, get_column_letter(index + 1), _("this cell has no column header."))
                found = True
        return found

    # Step 2: references, matches and changes -------------------------------------------------

    def plan(self, rows: list[Row]) -> None:
        self.check_duplicate_codes(rows)
        self.resolve(rows)
        if not self.errors:
            for row in rows:
                self.classify(row)

    @abc.abstractmethod
    def resolve(self, rows: list[Row]) -> None:
        """Turn each row's codes and names into the records they refer to, or into located errors."""

    def check_duplicate_codes(self, rows: list[Row]) -> None:
        first: dict[str, int] = {}
        for row in rows:
            code = row.values.get(self.code_field)
            if not code:
                continue
            if code in first:
                self.error(row, self.code_field, self.duplicate_message % {"code": code, "row": first[code]})
            else:
                first[code] = row.number

    def match_existing(self, rows: list[Row], message) -> None:
        """Attach the records the user may change to the rows with their code; other codes are errors.

        `message` (with %(code)s) says no more than that the user may not change such a record.
        """
        key = self.code_field
        codes = [row.values[key] for row in rows if row.values.get(key)]
        existing = {}
        for chunk in chunked(codes):
            existing.update(
                {getattr(obj, key): obj for obj in self.model.objects.filter(**{f"{key}__in": chunk})}
            )
        changeable = set()
        for chunk in chunked([obj.pk for obj in existing.values()]):
            changeable.update(
                self.model.objects.restrict(self.actor, "change")
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        for row in rows:
            instance = existing.get(row.values.get(key))
            if instance is None:
                continue
            if instance.pk in changeable:
                row.instance = instance
            else:
                self.error(row, key, message % {"code": row.values[key]})

    def plain_fields(self, row: Row) -> dict:
        fields = {key: row.values[key] for key in self.plain_columns if key in row.values}
        if fields.get(self.code_field) == "":
            fields[self.code_field] = None
        return fields

    def changeable_accounts(self, rows: list[Row]) -> dict[str, int]:
        codes = {row.values["account_code"] for row in rows if row.values.get("account_code")}
        scope = Account.objects.restrict(self.actor, "change")
        found = {}
        for chunk in chunked(codes):
            found.update(scope.filter(code__in=chunk).values_list("code", "pk"))
        return found

    def resolve_account(self, row: Row, accounts: dict[str, int]) -> None:
        """Contacts and interactions hang under an account the user may change, and stay there."""
        code = row.values.get("account_code")
        if not code:
            return
        account_id = accounts.get(code)
        if account_id is None:
            self.error(
                row,
                "account_code",
                _("there is no account with code “%(code)s” that you may change.") % {"code": code},
            )
        elif row.instance is not None and row.instance.account_id != account_id:
            self.error(row, "account_code", _("this record belongs to another account; it cannot move."))
        elif row.instance is None:
            row.fields["account_id"] = account_id

    def resolve_owner(self, row: Row) -> None:
        """Owners are users the importer may see; keeping the current owner is always allowed."""
        username = row.values.get("owner")
        if not username:
            if row.instance is None:
                row.fields["owner_id"] = self.actor.pk
            return
        user_id = self.users.get(username.casefold())
        current = row.instance.owner_id if row.instance is not None else None
        if user_id is None or (user_id not in self.assignable and user_id != current):
            self.error(
                row, "owner", _("there is no user “%(username)s” you may assign.") % {"username": username}
            )
        else:
            row.fields["owner_id"] = user_id

    def load_users(self) -> None:
        self.users = {name.casefold(): pk for name, pk in User.objects.values_list("username", "pk")}
        self.assignable = set(account_selectors.user_list(user=self.actor).values_list("pk", flat=True))

    def check_cycles(
        self, rows: list[Row], attname: str, key: str, db_parents: dict[int, int | None], message
    ) -> None:
        """Refuse references that would make a record its own ancestor (parent accounts, org charts)."""
        parent_of = {}
        for row in rows:
            if attname in row.pending:
                parent_of[row.node] = row.pending[attname].node
            elif attname in row.fields:
                parent_of[row.node] = row.fields[attname]
        acyclic: set[int] = set()
        for row in rows:
            if row.node not in parent_of:
                continue
            seen, current = {row.node}, parent_of[row.node]
            while current is not None and current not in acyclic:
                if current in seen:
                    self.error(row, key, message)
                    break
                seen.add(current)
                current = parent_of[current] if current in parent_of else db_parents.get(current)
            else:
                acyclic |= seen

    def m2m_before(self, row: Row) -> dict:
        return {}

    def classify(self, row: Row) -> None:
        """New, changed or unchanged: an update that changes nothing is neither saved nor audited."""
        if row.instance is None:
            self.creates.append(row)
            return
        before_m2m = self.m2m_before(row)
        before = snapshot(row.instance, m2m=before_m2m)
        for attname, value in row.fields.items():
            setattr(row.instance, attname, value)
        after = snapshot(row.instance, m2m={**before_m2m, **row.m2m})
        if before != after or row.pending:
            row.before = before
            self.updates.append(row)
        else:
            self.unchanged += 1

    # Step 3: write (inside the caller's transaction) -----------------------------------------

    def new_instances(self) -> None:
        """Build the new records positionally: Django's keyword __init__ costs more than the INSERT."""
        defaults = []
        for f in self.model._meta.concrete_fields:
            has_callable_default = f.has_default() and callable(f.default)
            defaults.append((f.attname, f.get_default if has_callable_default else None, f.get_default()))
        for row in self.creates:
            fields = row.fields
            row.instance = self.model(
                *[
                    fields[attname] if attname in fields else (make() if make else default)
                    for attname, make, default in defaults
                ]
            )

    def write(self) -> None:
        self.check_versions()
        self.new_instances()
        created = [row.instance for row in self.creates]
        bulk.reserve_ids(self.model, created)
        for row in (*self.creates, *self.updates):
            for attname, target in row.pending.items():
                setattr(row.instance, attname, target.instance.pk)
        bulk.insert(self.model, created)
        update_fields = self.update_fields()
        now = timezone.now()
        for row in self.updates:
            row.instance.version += 1
            row.instance.updated_at = now
        bulk.update(
            self.model, [row.instance for row in self.updates], [*update_fields, "version", "updated_at"]
        )
        self.write_m2m()
        bulk_written.send(
            sender=self.model,
            account_ids={_account_of(row.instance) for row in (*self.creates, *self.updates)} - {None},
        )
        audit_bulk(
            instances=created,
            actor=self.actor,
            action=AuditAction.CREATE,
            afters=[snapshot(row.instance, m2m=row.m2m) for row in self.creates],
        )
        audit_bulk(
            instances=[row.instance for row in self.updates],
            actor=self.actor,
            action=AuditAction.UPDATE,
            befores=[row.before for row in self.updates],
            afters=[snapshot(row.instance, m2m={**self.m2m_before(row), **row.m2m}) for row in self.updates],
        )

    def check_versions(self) -> None:
        """Optimistic locking, in bulk: refuse to overwrite a record someone saved since it was read."""
        versions = {row.instance.pk: row.instance.version for row in self.updates}
        found = 0
        for chunk in chunked(versions):
            for pk, version in (
                self.model.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version")
            ):
                found += 1
                if versions[pk] != version:
                    raise StaleImportError
        if found != len(versions):
            raise StaleImportError

    def update_fields(self) -> list[str]:
        """Only the fields that differ in at least one row (plus references to new records)."""
        names = set()
        for row in self.updates:
            after = snapshot(row.instance, m2m={})
            names.update(k for k, v in after.items() if k not in self.many_to_many and row.before.get(k) != v)
            names.update(self.model._meta.get_field(attname).name for attname in row.pending)
        return sorted(names)

    def write_m2m(self) -> None:  # noqa: B027 - a hook: only interactions have many-to-many fields
        """Interactions set their people here; accounts and contacts have no many-to-many fields."""


class AccountImporter(Importer):
    kind = "accounts"
    model = Account
    plain_columns = (
        "code", "name", "ownership", "status", "region", "company_size", "registered_capital",
        "annual_revenue", "currency", "is_listed", "founded_on", "lead_source", "address", "post_code",
        "phone", "fax", "email", "website", "notes",
    )  # fmt: skip

    def resolve(self, rows: list[Row]) -> None:
        self.match_existing(rows, _("there is no account with code “%(code)s” that you may change."))
        self.load_users()
        industries = self.industry_lookup()
        for row in rows:
            row.fields = self.plain_fields(row)
            self.resolve_owner(row)
            industry = row.values.get("industry")
            if industry is not None:
                if not industry:
                    row.fields["industry_id"] = None
                elif industry.casefold() in industries:
                    row.fields["industry_id"] = industries[industry.casefold()]
                else:
                    self.error(row, "industry", _("unknown industry “%(value)s”.") % {"value": industry})
        if "parent_code" in self.headers:
            self.resolve_parents(rows)

    @staticmethod
    def industry_lookup() -> dict[str, int]:
        """Code, Chinese name or English name (case-insensitive) → id; a code wins over a name."""
        lookup = {}
        industries = list(Industry.objects.values_list("pk", "code", "name", "name_en"))
        for position in (3, 2, 1):
            lookup.update({row[position].casefold(): row[0] for row in industries if row[position]})
        return lookup

    def resolve_parents(self, rows: list[Row]) -> None:
        in_file = {row.values["code"]: row for row in rows if row.values.get("code")}
        wanted = {row.values["parent_code"] for row in rows if row.values.get("parent_code")} - set(in_file)
        visible = {}
        for chunk in chunked(wanted):
            visible.update(
                account_selectors.account_list(user=self.actor)
                .filter(code__in=chunk)
                .values_list("code", "pk")
            )
        current_ids = {
            row.instance.parent_id for row in rows if row.instance is not None and row.instance.parent_id
        }
        current_codes = {}
        for chunk in chunked(current_ids):
            current_codes.update(Account.objects.filter(pk__in=chunk).values_list("pk", "code"))
        for row in rows:
            code = row.values.get("parent_code")
            if code is None:
                continue
            target = in_file.get(code)
            if not code:
                row.fields["parent_id"] = None
            elif target is not None and target.instance is not None:
                row.fields["parent_id"] = target.instance.pk
            elif target is not None:
                row.pending["parent_id"] = target
            elif code in visible:
                row.fields["parent_id"] = visible[code]
            elif row.instance is not None and current_codes.get(row.instance.parent_id) == code:
                row.fields["parent_id"] = row.instance.parent_id
            else:
                self.error(
                    row,
                    "parent_code",
                    _("there is no account with code “%(code)s” that you may see.") % {"code": code},
                )
        parents = {row.fields["parent_id"] for row in rows if row.fields.get("parent_id")}
        db_parents = self.saved_ancestors(parents)
        self.check_cycles(
            rows,
            "parent_id",
            "parent_code",
            db_parents,
            _("an account cannot be its own parent or ancestor."),
        )

    @staticmethod
    def saved_ancestors(account_ids: set[int]) -> dict[int, int]:
        """account id → parent id along the saved parent chains above `account_ids`, one query per level
        (group trees are a few levels deep; reading every parent link of a million accounts took 0.5 s)."""
        links: dict[int, int] = {}
        frontier = set(account_ids)
        while frontier:
            found = {}
            for chunk in chunked(frontier):
                found.update(
                    Account.objects.filter(pk__in=chunk, parent__isnull=False).values_list("pk", "parent_id")
                )
            links.update(found)
            frontier = {parent for parent in found.values() if parent not in links}
        return links

    def write(self) -> None:
        """Owner changes are announced (kam.core.owner_changes), as account_update announces them, so
        figures kept per owner — the forecast summary — move with the accounts."""
        moved = [row.instance.pk for row in self.updates if row.before.get("owner") != row.instance.owner_id]
        with owner_change(Account, moved):
            super().write()


class ContactImporter(Importer):
    kind = "contacts"
    model = Contact
    plain_columns = (
        "code",
        "name",
        "title",
        "department",
        "phone",
        "mobile",
        "email",
        "wechat",
        "hobbies",
        "notes",
    )

    def resolve(self, rows: list[Row]) -> None:
        self.match_existing(rows, _("there is no contact with code “%(code)s” that you may change."))
        accounts = self.changeable_accounts(rows)
        for row in rows:
            row.fields = self.plain_fields(row)
            self.resolve_account(row, accounts)
        if "reports_to_code" in self.headers:
            self.resolve_managers(rows, set(accounts.values()))

    def resolve_managers(self, rows: list[Row], account_ids: set[int]) -> None:
        """Managers work at the same account: a contact in this file, or one already saved there."""
        saved, db_parents = {}, {}
        for chunk in chunked(account_ids):
            for pk, code, account_id, reports_to_id in Contact.objects.filter(
                account_id__in=chunk
            ).values_list("pk", "code", "account_id", "reports_to_id"):
                db_parents[pk] = reports_to_id
                if code:
                    saved[account_id, code] = pk
        in_file = {row.values["code"]: row for row in rows if row.values.get("code")}
        for row in rows:
            code = row.values.get("reports_to_code")
            if code is None:
                continue
            account_id = row.instance.account_id if row.instance is not None else row.fields.get("account_id")
            target = in_file.get(code)
            target_account = None
            if target is not None:
                target_account = (
                    target.instance.account_id if target.instance else target.fields.get("account_id")
                )
            if not code:
                row.fields["reports_to_id"] = None
            elif target is not None and target_account == account_id:
                if target.instance is not None:
                    row.fields["reports_to_id"] = target.instance.pk
                else:
                    row.pending["reports_to_id"] = target
            elif (account_id, code) in saved:
                row.fields["reports_to_id"] = saved[account_id, code]
            elif account_id is not None:
                self.error(
                    row,
                    "reports_to_code",
                    _("there is no contact with code “%(code)s” at this account.") % {"code": code},
                )
        self.check_cycles(
            rows,
            "reports_to_id",
            "reports_to_code",
            db_parents,
            _("this would make a loop in the org chart."),
        )


class InteractionImporter(Importer):
    kind = "interactions"
    model = Interaction
    plain_columns = ("code", "kind", "occurred_on", "content", "next_step", "next_step_due", "next_step_done")

    def __init__(self, *, actor: User):
        super().__init__(actor=actor)
        #: interaction id → {"our_people": [...], "their_people": [...]} as saved, sorted.
        self.people: dict[int, dict[str, list[int]]] = {}
        #: interaction id → their people who have no code (see load_people()).
        self.uncoded: dict[int, list[int]] = {}

    def resolve(self, rows: list[Row]) -> None:
        self.match_existing(
            rows, _("there is no contact log entry with code “%(code)s” that you may change.")
        )
        accounts = self.changeable_accounts(rows)
        self.load_users()
        contacts = self.contacts_by_code(set(accounts.values())) if "contact_codes" in self.headers else {}
        self.load_people([row.instance.pk for row in rows if row.instance is not None])
        for row in rows:
            row.fields = self.plain_fields(row)
            self.resolve_account(row, accounts)
            self.resolve_owner(row)
            if "contact_codes" in row.values:
                self.resolve_contacts(row, contacts)
            self.check_next_step(row)

    @staticmethod
    def contacts_by_code(account_ids: set[int]) -> dict[tuple[int, str], int]:
        found = {}
        for chunk in chunked(account_ids):
            contacts = Contact.objects.filter(account_id__in=chunk, code__isnull=False)
            found.update(
                {
                    (account_id, code): pk
                    for pk, account_id, code in contacts.values_list("pk", "account_id", "code")
                }
            )
        return found

    def load_people(self, interaction_ids: list[int]) -> None:
        """Each matched interaction's people, for the before/after snapshots (two queries per chunk).

        Contacts without a code cannot be named in a file, so `uncoded` remembers them: an import
        keeps them rather than silently dropping them from the entry.
        """
        self.people = {pk: {"our_people": [], "their_people": []} for pk in interaction_ids}
        ours, theirs = Interaction.our_people.through, Interaction.their_people.through
        for chunk in chunked(interaction_ids):
            for interaction_id, user_id in ours.objects.filter(interaction_id__in=chunk).values_list(
                "interaction_id", "user_id"
            ):
                self.people[interaction_id]["our_people"].append(user_id)
            for interaction_id, contact_id, code in theirs.objects.filter(
                interaction_id__in=chunk
            ).values_list("interaction_id", "contact_id", "contact__code"):
                self.people[interaction_id]["their_people"].append(contact_id)
                if not code:
                    self.uncoded.setdefault(interaction_id, []).append(contact_id)
        for people in self.people.values():
            for ids in people.values():
                ids.sort()

    def m2m_before(self, row: Row) -> dict:
        return self.people.get(row.instance.pk, {}) if row.instance is not None else {}

    def resolve_contacts(self, row: Row, contacts: dict[tuple[int, str], int]) -> None:
        account_id = row.instance.account_id if row.instance is not None else row.fields.get("account_id")
        if account_id is None:
            return
        ids = set(self.uncoded.get(row.instance.pk, ())) if row.instance is not None else set()
        for code in row.values["contact_codes"]:
            contact_id = contacts.get((account_id, code))
            if contact_id is None:
                self.error(
                    row,
                    "contact_codes",
                    _("there is no contact with code “%(code)s” at this account.") % {"code": code},
                )
            else:
                ids.add(contact_id)
        row.m2m = {"their_people": sorted(ids)}

    def check_next_step(self, row: Row) -> None:
        current = row.instance
        next_step = row.fields.get("next_step", current.next_step if current else "")
        due = row.fields.get("next_step_due", current.next_step_due if current else None)
        if due and not next_step:
            self.error(row, "next_step", _("say what the next step is, or clear its due date."))
        occurred = row.fields.get("occurred_on") or (current.occurred_on if current else timezone.localdate())
        # as on the form: rows saved before the rule keep their dates when something else changes
        changed = current is None or (occurred, due) != (current.occurred_on, current.next_step_due)
        if due and changed and due < occurred:
            self.error(row, "next_step_due", _("the next step cannot be due before the contact it follows."))

    def write_m2m(self) -> None:  # noqa: B027 - a hook: only interactions have many-to-many fields
        through = Interaction.their_people.through
        changed = [
            row
            for row in self.updates
            if "their_people" in row.m2m
            and row.m2m["their_people"] != self.m2m_before(row).get("their_people")
        ]
        for chunk in chunked([row.instance.pk for row in changed]):
            through.objects.filter(interaction_id__in=chunk).delete()
        links = [
            through(interaction_id=row.instance.pk, contact_id=contact_id)
            for row in [*self.creates, *changed]
            for contact_id in row.m2m.get("their_people", ())
        ]
        through.objects.bulk_create(links, batch_size=BATCH)


#: The reason on the StageTransition of a stage or status that an import changes.
IMPORT_REASON = "import"
CLOSED = (OpportunityStatus.LOST, OpportunityStatus.ABANDONED)


class OpportunityImporter(Importer):
    """Opportunities, matched on their number, keeping the rules of kam.pipeline.services.

    - A new opportunity is numbered like `opportunity_create` numbers it (`next_numbers`, at write
      time), starts in the default process unless the file names one, at the process's first stage
      unless the file names one (the won stage for a row whose status is won), and gets the transition
      `opportunity_create` records: from no stage to its stage, without a reason, no gate.
    - An existing opportunity keeps its account and its process, as on the form. A closed one (won,
      lost, abandoned) is final, as `opportunity_move` and `opportunity_close` keep it: its stage and
      status cannot change.
    - A change of stage or status of an open opportunity records one StageTransition whose reason is
      "import". That recorded reason is what lets a forward move pass unmet exit criteria, as a
      written reason does for `opportunity_move`; the unmet criteria are listed on the transition. A
      strict process still refuses such a move (a located error), as `opportunity_move` does.
    - Reaching the won stage wins the deal (status won); lost and abandoned need a reason, which only
      they have; closed_on is set (the import's day unless the file gives it) only on closed deals.

    Transitions are audited one by one with `audit_create`, which files each under its opportunity's
    account as the services do; the opportunities themselves go through the bulk path.
    """

    kind = "opportunities"
    model = Opportunity
    code_field = "number"
    duplicate_message = _("the number “%(code)s” is already used on row %(row)s.")
    plain_columns = (
        "number", "name", "goal", "amount", "currency", "expected_close", "close_reason",
        "winning_competitor", "competitors", "product_lines", "lead_source", "next_step", "next_step_due",
    )  # fmt: skip

    def __init__(self, *, actor: User):
        super().__init__(actor=actor)
        #: row number → the moving opportunity's unmet exit criteria, for its transition.
        self.unmet: dict[int, list[str]] = {}
        self.processes: dict[int, SalesProcess] = {}
        self.process_names: dict[str, SalesProcess] = {}
        self.default: SalesProcess | None = None
        self.no_default = ""
        self.stages: dict[int, Stage] = {}
        self.stage_codes: dict[tuple[int, str], Stage] = {}
        self.first_stages: dict[int, Stage] = {}
        self.won_stages: dict[int, Stage] = {}

    def resolve(self, rows: list[Row]) -> None:
        self.match_existing(rows, _("there is no opportunity with number “%(code)s” that you may change."))
        accounts = self.changeable_accounts(rows)
        self.load_users()
        self.load_processes()
        moves = []
        now = timezone.now()
        for row in rows:
            row.fields = self.plain_fields(row)
            self.resolve_account(row, accounts)
            self.resolve_owner(row)
            process = self.resolve_process(row)
            stage = self.resolve_stage(row, process) if process is not None else None
            if stage is None:
                continue
            self.resolve_status(row, stage, now)
            current = row.instance
            if current is not None and current.is_open and stage.pk != current.stage_id:
                moves.append((row, process, stage))
        self.check_gate(moves)

    def load_processes(self) -> None:
        """The processes and their stages, once: names and codes are matched case-insensitively."""
        self.processes = {p.pk: p for p in pipeline_selectors.process_list(user=self.actor)}
        # either name: the export writes `name` (unique: it wins), an English reader sees `name_en` (used
        # only where no process has it as its name and no other process has the same English name)
        english = Counter(p.name_en.casefold() for p in self.processes.values() if p.name_en)
        self.process_names = {
            p.name_en.casefold(): p
            for p in self.processes.values()
            if p.name_en and english[p.name_en.casefold()] == 1
        }
        self.process_names.update({p.name.casefold(): p for p in self.processes.values()})
        self.stages = {s.pk: s for s in Stage.objects.filter(process__in=self.processes).order_by("order")}
        self.stage_codes = {(s.process_id, s.code.casefold()): s for s in self.stages.values()}
        for stage in self.stages.values():
            self.first_stages.setdefault(stage.process_id, stage)
            if stage.is_won:
                self.won_stages.setdefault(stage.process_id, stage)
        try:
            self.default = default_process()
        except ValidationError as error:
            self.no_default = error.messages[0]

    def resolve_process(self, row: Row) -> SalesProcess | None:
        """The process by name; blank: the opportunity's own, or the default one for a new opportunity."""
        name = row.values.get("process")
        current = row.instance
        if not name:
            if current is not None:
                return self.processes[current.process_id]
            if self.default is None:
                self.error(row, "process", self.no_default)
            else:
                row.fields["process_id"] = self.default.pk
            return self.default
        process = self.process_names.get(name.casefold())
        if process is None:
            self.error(row, "process", _("unknown sales process “%(value)s”.") % {"value": name})
        elif current is not None and process.pk != current.process_id:
            self.error(row, "process", _("an opportunity keeps the sales process it started on."))
            return None
        elif current is None:
            row.fields["process_id"] = process.pk
        return process

    def resolve_stage(self, row: Row, process: SalesProcess) -> Stage | None:
        """The stage by code in the row's process; blank: the won stage for a won row, else the current
        stage or, for a new opportunity, the first one."""
        code = row.values.get("stage")
        if code:
            stage = self.stage_codes.get((process.pk, code.casefold()))
            if stage is None:
                self.error(
                    row,
                    "stage",
                    _("there is no stage “%(code)s” in the process “%(process)s”.")
                    % {"code": code, "process": process.name},
                )
            return stage
        if row.values.get("status") == OpportunityStatus.WON:
            stage = self.won_stages.get(process.pk)
            if stage is None:
                self.error(
                    row, "stage", _("the process “%(process)s” has no won stage.") % {"process": process.name}
                )
            return stage
        if row.instance is not None:
            return self.stages[row.instance.stage_id]
        stage = self.first_stages.get(process.pk)
        if stage is None:
            self.error(
                row, "stage", _("the process “%(process)s” has no stages.") % {"process": process.name}
            )
        return stage

    def resolve_status(self, row: Row, stage: Stage, now) -> None:
        """Status, close reason, competitor and close date, consistent with the stage and the history."""
        current = row.instance
        status = row.values.get("status")
        if status is None:
            if stage.is_won:
                status = OpportunityStatus.WON
            else:
                status = current.status if current is not None else OpportunityStatus.OPEN
        if current is not None and not current.is_open:
            if status != current.status:
                self.error(row, "status", _("a closed opportunity cannot be reopened or closed again."))
            elif stage.pk != current.stage_id:
                self.error(row, "stage", _("this opportunity is closed; its stage cannot change."))
        if status == OpportunityStatus.WON and not stage.is_won:
            self.error(row, "status", _("a won opportunity is at the won stage of its process."))
        elif stage.is_won and status != OpportunityStatus.WON:
            self.error(
                row, "stage", _("the stage “%(code)s” closes the opportunity as won.") % {"code": stage.code}
            )
        for key in ("close_reason", "winning_competitor"):
            value = row.fields.get(key, getattr(current, key) if current is not None else "")
            if value and status not in CLOSED:
                self.error(row, key, _("only a lost or abandoned opportunity has this."))
            elif key == "close_reason" and not value and status in CLOSED:
                self.error(row, key, _("say why the opportunity was lost or abandoned."))
        closed_on = row.values.get("closed_on")
        if status == OpportunityStatus.OPEN:
            if closed_on is not None:
                self.error(row, "closed_on", _("an open opportunity has no close date."))
        elif closed_on is not None:
            row.fields["closed_on"] = closed_on
        elif current is None or current.closed_on is None:
            row.fields["closed_on"] = timezone.localdate()
        row.fields["status"] = status
        if current is None or stage.pk != current.stage_id:
            row.fields["stage_id"] = stage.pk
            row.fields["stage_entered_at"] = now

    def check_gate(self, moves: list[tuple[Row, SalesProcess, Stage]]) -> None:
        """The exit criteria a forward move skips (the rule of `unmet_criteria`), for a few queries in all."""
        forward = [
            (row, process, stage)
            for row, process, stage in moves
            if stage.order > self.stages[row.instance.stage_id].order
        ]
        if not forward:
            return
        checked = set()
        for chunk in chunked([row.instance.pk for row, _process, _stage in forward]):
            checked.update(
                CriterionCheck.objects.filter(opportunity_id__in=chunk).values_list(
                    "opportunity_id", "criterion_id"
                )
            )
        criteria = list(
            StageCriterion.objects.filter(
                stage__process__in={process.pk for _row, process, _stage in forward}
            ).order_by("stage__order", "order", "id")
        )
        for row, process, stage in forward:
            origin = self.stages[row.instance.stage_id].order
            unmet = [
                criterion
                for criterion in criteria
                if self.stages[criterion.stage_id].process_id == process.pk
                and origin <= self.stages[criterion.stage_id].order < stage.order
                and (row.instance.pk, criterion.pk) not in checked
            ]
            if unmet and process.strict:
                self.error(
                    row,
                    "stage",
                    _("the process is strict: meet the %(count)d open exit criteria first.")
                    % {"count": len(unmet)},
                )
            self.unmet[row.number] = [str(criterion) for criterion in unmet]

    def write(self) -> None:
        """Inside `forecast_changes`, like the services: the forecast summary counts every deal."""
        with forecast_changes(
            opportunity_ids=[row.instance.pk for row in self.updates],
            account_ids={row.fields["account_id"] for row in self.creates},
        ):
            self.number_new_rows()
            super().write()
            self.record_transitions()

    def number_new_rows(self) -> None:
        """Number the new rows without one after the last number saved, skipping the file's own numbers."""
        unnumbered = [row for row in self.creates if not row.fields.get("number")]
        if not unnumbered:
            return
        taken = {row.fields["number"] for row in self.creates if row.fields.get("number")}
        numbers = [number for number in next_numbers(len(unnumbered) + len(taken)) if number not in taken]
        for row, number in zip(unnumbered, numbers, strict=False):
            row.fields["number"] = number

    def record_transitions(self) -> None:
        """A transition for every new opportunity, and for every stage or status the import changed."""
        transitions = [
            StageTransition(
                opportunity=row.instance,
                from_stage=None,
                to_stage=self.stages[row.instance.stage_id],
                to_status=row.instance.status,
                moved_by=self.actor,
            )
            for row in self.creates
        ]
        for row in self.updates:
            opportunity = row.instance
            if (row.before["stage"], row.before["status"]) == (opportunity.stage_id, opportunity.status):
                continue
            transitions.append(
                StageTransition(
                    opportunity=opportunity,
                    from_stage=self.stages[row.before["stage"]],
                    to_stage=self.stages[opportunity.stage_id],
                    to_status=opportunity.status,
                    moved_by=self.actor,
                    reason=IMPORT_REASON,
                    unmet_criteria=self.unmet.get(row.number, []),
                )
            )
        bulk.reserve_ids(StageTransition, transitions)
        bulk.insert(StageTransition, transitions)
        for transition in transitions:
            audit_create(instance=transition, actor=self.actor)


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (AccountImporter, ContactImporter, InteractionImporter, OpportunityImporter)
}
