"""CSV / XLSX export and import of the competitor catalogue, an evaluation's grid and a matrix's grid.

Columns have stable keys so that a file exported, edited in a spreadsheet and imported again round-trips;
choices are written as codes and read as codes or as their English or Chinese labels. An import is checked as
a whole before anything is written; any error names its row and column, and then nothing is saved. Writes go
through the services (audited; a grid is saved whole, so weights that do not total 1 refuse the file).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kam.competition import services
from kam.competition.choices import SCORE_MAX, SCORE_MIN, Factor, Origin, Rating
from kam.competition.models import Competitor
from kam.competition.selectors import EvaluationView, MatrixView

COMPETITOR_COLUMNS = ["name", "name_en", "origin", "strengths", "weaknesses", "is_active"]
US_HEADERS = {"us", "我方"}
_TRUE, _FALSE = {"1", "true", "yes", "y", "x", "是", "✓"}, {"0", "false", "no", "n", "否"}
_NUMBERED = re.compile(r"^\d+\s+")


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
    """Code, English label and Chinese label (lower-cased; "5 Strong" also as "strong") → value."""
    table = {str(value).lower(): value for value, _label in choices}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices:
                label = str(label).lower()
                table |= {label: value, _NUMBERED.sub("", label): value}
    return table


def _choice(value, choices):
    raw = _text(value)
    if not raw:
        return ""
    found = _lookup(choices).get(raw.lower())
    if found is None:
        raise CellError(_("“%(value)s” is not one of the choices.") % {"value": raw})
    return found


def _flag(value) -> bool:
    """Yes or no; a blank cell is yes (a competitor listed in the file still competes)."""
    if isinstance(value, bool):
        return value
    raw = _text(value).lower()
    if raw in _TRUE or not raw:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("Write yes or no."))


def _integer(value, low: int, high: int, message) -> int | None:
    raw = _text(value)
    if not raw:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(message) from None
    if number != number.to_integral_value() or not low <= number <= high:
        raise CellError(message)
    return int(number)


def _weight(value) -> Decimal:
    raw = _text(value)
    percent = raw.endswith("%")
    try:
        number = Decimal(raw.removesuffix("%").strip())
    except InvalidOperation:
        raise CellError(_("A weight is a number from 0 to 1, e.g. 0.15 (or 15%).")) from None
    number = number / 100 if percent else number
    if not Decimal(0) <= number <= Decimal(1) or number != number.quantize(Decimal("0.001")):
        raise CellError(
            _("A weight is a number from 0 to 1 with at most three decimals, e.g. 0.15 (or 15%).")
        )
    return number.quantize(Decimal("0.001"))


def _cells(header: list[str], cells) -> dict[str, object]:
    return dict(zip(header, list(cells) + [""] * (len(header) - len(cells)), strict=False))


def _by_column(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"": error.messages}


# --- the catalogue ------------------------------------------------------------------------------------------


def competitor_rows(competitors):
    yield COMPETITOR_COLUMNS
    for c in competitors:
        yield [c.name, c.name_en, c.origin, c.strengths, c.weaknesses, c.is_active]


def import_competitors(*, actor, table) -> ImportResult:
    """Add or update competitors, matched on their name (any case). Only keepers may (PermissionDenied)."""
    services.ensure_keeper(actor)
    result = ImportResult()
    header = [_text(h).lower() for h in table.header]
    if "name" not in header:
        result.error(table.header_row, "name", _("The file needs a name column."))
        return result
    parsed, seen = [], {}
    for number, cells in table.rows:
        cell = _cells(header, cells)
        name = _text(cell.get("name"))
        if not name:
            result.error(number, "name", _("Name the competitor."))
            continue
        if name.casefold() in seen:
            result.error(
                number,
                "name",
                _("%(name)s is already on row %(row)d.") % {"name": name, "row": seen[name.casefold()]},
            )
            continue
        seen[name.casefold()] = number
        data = {"name": name}
        for column in ("name_en", "strengths", "weaknesses"):
            if column in cell:
                data[column] = _text(cell[column])
        for column, parse in (("origin", lambda v: _choice(v, Origin.choices)), ("is_active", _flag)):
            if column in cell:
                try:
                    data[column] = parse(cell[column])
                except CellError as error:
                    result.error(number, column, error)
        parsed.append((number, data))
    if result.errors:
        return result
    existing = {c.name.casefold(): c for c in Competitor.objects.all()}
    try:
        with transaction.atomic():
            for number, data in parsed:
                competitor = existing.get(data["name"].casefold())
                try:
                    if competitor is None:
                        services.competitor_create(actor=actor, data=data)
                        result.added += 1
                    else:
                        services.competitor_update(competitor=competitor, actor=actor, data=data)
                        result.updated += 1
                except ValidationError as error:
                    for column, messages in _by_column(error).items():
                        for message in messages:
                            result.error(number, column, message)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.added = result.updated = 0
    return result


# --- grids (shared by evaluations and matrices) -------------------------------------------------------------


def _column_key(column) -> str:
    return "us" if column.is_us else column.competitor.name


def _match_columns(
    header: list[str], columns, first: int, result: ImportResult, header_row: int
) -> dict[str, object]:
    """The grid's columns named in the header after its fixed columns: "us" (or 我方, or Us in the reader's
    language) and the competitors' Chinese or English names."""
    by_name = {}
    for column in columns:
        if column.is_us:
            for key in US_HEADERS | {_("Us").lower()}:
                by_name[key] = column
        else:
            by_name[column.competitor.name.casefold()] = column
            if column.competitor.name_en:
                by_name[column.competitor.name_en.casefold()] = column
    found = {}
    for key in header[first:]:
        if not key:
            continue
        column = by_name.get(key.casefold())
        if column is None:
            result.error(
                header_row,
                key,
                _("“%(name)s” is not a column of this grid; add the competitor in the settings first.")
                % {"name": key},
            )
        else:
            found[key] = column
    return found


def _save_grid(save, *, actor, rows, result: ImportResult, column_of_error: str) -> ImportResult:
    try:
        with transaction.atomic():
            save(rows)
    except ValidationError as error:
        for messages in _by_column(error).values():
            for message in messages:
                result.error(None, column_of_error, message)
    except PermissionDenied as error:
        result.error(None, "", str(error))
    return result


# --- an evaluation's grid (M4.4) ----------------------------------------------------------------------------


def evaluation_rows(view: EvaluationView):
    """The header (criterion, criterion_en, weight, us, each competitor), then one row per criterion."""
    yield ["criterion", "criterion_en", "weight", *[_column_key(b) for b in view.bidders]]
    for line in view.table:
        criterion = line["criterion"]
        yield [criterion.name, criterion.name_en, criterion.weight, *line["cells"]]


def import_evaluation(*, view: EvaluationView, actor, table) -> ImportResult:
    """Replace the evaluation's grid with the file's (criteria matched on their name keep their history)."""
    result = ImportResult()
    header = [_text(h) for h in table.header]
    keys = [h.lower() for h in header]
    if keys[:3] != ["criterion", "criterion_en", "weight"]:
        result.error(
            table.header_row, "criterion", _("The first columns must be criterion, criterion_en and weight.")
        )
        return result
    columns = _match_columns(header, view.bidders, 3, result, table.header_row)
    saved = {}
    for criterion in view.criteria:
        saved.setdefault(criterion.name.casefold(), criterion)
    message = _("A score is a whole number from %(low)d to %(high)d.") % {"low": SCORE_MIN, "high": SCORE_MAX}
    rows = []
    for number, cells in table.rows:
        cell = _cells(header, cells)
        name = _text(cell["criterion"])
        row = {"name": name, "name_en": _text(cell["criterion_en"]), "cells": {}}
        row["id"] = saved[name.casefold()].pk if name.casefold() in saved else None
        try:
            row["weight"] = _weight(cell["weight"])
        except CellError as error:
            result.error(number, "weight", error)
        for key, column in columns.items():
            try:
                row["cells"][column.pk] = _integer(cell.get(key), SCORE_MIN, SCORE_MAX, message)
            except CellError as error:
                result.error(number, key, error)
        rows.append(row)
    if result.errors:
        return result
    evaluation = view.evaluation
    return _save_grid(
        lambda grid: services.evaluation_grid_save(evaluation=evaluation, actor=actor, rows=grid),
        actor=actor,
        rows=rows,
        result=result,
        column_of_error="weight",
    )


# --- a matrix's grid (M2.2) ---------------------------------------------------------------------------------


def matrix_rows(view: MatrixView):
    """The header (row, factor, us, each competitor), then the product lines and the factors."""
    yield ["row", "factor", *[_column_key(c) for c in view.columns]]
    for line in view.product_lines + view.factors:
        row = line["row"]
        yield [str(row), row.factor, *line["cells"]]


def _rating(value):
    raw = _text(value)
    if not raw:
        return None
    table = _lookup([(str(v), label) for v, label in Rating.choices])
    found = table.get(raw.lower()) or table.get(raw.lower().removesuffix(".0"))
    if found is None:
        raise CellError(_("Rate from 5 (strong) to 1 (weak)."))
    return int(found)


def import_matrix(*, view: MatrixView, actor, table) -> ImportResult:
    """Replace the matrix's ratings (and product lines) with the file's."""
    result = ImportResult()
    header = [_text(h) for h in table.header]
    if [h.lower() for h in header[:2]] != ["row", "factor"]:
        result.error(table.header_row, "row", _("The first columns must be row and factor."))
        return result
    columns = _match_columns(header, view.columns, 2, result, table.header_row)
    lines = {r.name.casefold(): r for r in view.rows if not r.is_factor}
    factors = {r.factor: r for r in view.rows if r.is_factor}
    factor_codes = _lookup(Factor.choices)
    rows = []
    for number, cells in table.rows:
        cell = _cells(header, cells)
        name, factor_cell = _text(cell["row"]), _text(cell["factor"])
        row = {"name": name, "cells": {}, "id": None}
        if factor_cell:
            factor = factor_codes.get(factor_cell.lower())
            if factor is None:
                result.error(
                    number, "factor", _("“%(value)s” is not one of the choices.") % {"value": factor_cell}
                )
                continue
            row["id"] = factors[factor].pk
        elif name.casefold() in lines:
            row["id"] = lines[name.casefold()].pk
        for key, column in columns.items():
            try:
                row["cells"][column.pk] = _rating(cell.get(key))
            except CellError as error:
                result.error(number, key, error)
        rows.append(row)
    if result.errors:
        return result
    matrix = view.matrix
    return _save_grid(
        lambda grid: services.matrix_grid_save(matrix=matrix, actor=actor, rows=grid),
        actor=actor,
        rows=rows,
        result=result,
        column_of_error="row",
    )
