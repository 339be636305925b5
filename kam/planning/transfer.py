"""CSV / XLSX export and import of the attractiveness matrix, and the XLSX of an account plan.

The matrix file has one row per industry: its code and name, a column per criterion (headed by the criterion's
Chinese or English name) holding the score without its sign, the computed total (exported for the reader,
ignored on import), the printed total, and the class decided with its reason. The criteria themselves —
direction, weight, highest score — are kept on the page. An import is checked whole before anything is
written; each error names its row and column, and then nothing is saved. Writes go through the services.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kam.accounts.models import Industry
from kam.planning import services
from kam.planning.choices import IndustryClass
from kam.planning.models import IndustryRow
from kam.planning.selectors import MatrixView

FIXED = ["industry", "name"]
TRAILING = ["total", "printed_total", "class_decided", "reason"]


class CellError(Exception):
    pass


@dataclass
class ImportResult:
    errors: list[dict] = field(default_factory=list)
    added: int = 0
    updated: int = 0

    def error(self, row: int | None, column: str, message) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _number(value, *, low: Decimal | None = None, high: Decimal | None = None) -> Decimal | None:
    raw = _text(value)
    if not raw:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise CellError(_("“%(value)s” is not a number with at most two decimals.") % {"value": raw})
    if (low is not None and number < low) or (high is not None and number > high):
        raise CellError(_("A score runs from %(low)s to %(high)s.") % {"low": low, "high": high})
    return number


def _class(value) -> str:
    raw = _text(value).lower()
    if not raw:
        return ""
    table = {c.value: c.value for c in IndustryClass}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            table |= {str(c.label).lower(): c.value for c in IndustryClass}
    if raw not in table:
        raise CellError(_("Write key, potential or watch (or leave it empty)."))
    return table[raw]


def _plain(value: Decimal | None) -> Decimal | None:
    """A number as people write it: 44, not 44.0000; 7.5 as 7.50."""
    if value is None:
        return None
    return (
        value.quantize(Decimal(1)) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))
    )


def matrix_rows(view: MatrixView):
    yield [*FIXED, *[c.name for c in view.criteria], *TRAILING]
    for line in view.rows:
        row = line.row
        yield [
            row.industry.code,
            str(row.industry),
            *[_plain(cell.value) for cell in line.cells],
            _plain(line.assessment.total),
            _plain(row.printed_total),
            row.override_class,
            row.override_reason,
        ]


def _criteria_columns(header, view: MatrixView, result: ImportResult, header_row: int) -> dict:
    by_name = {}
    for criterion in view.criteria:
        by_name[criterion.name.casefold()] = criterion
        if criterion.name_en:
            by_name[criterion.name_en.casefold()] = criterion
    columns = {}
    for index, name in enumerate(header):
        if index < len(FIXED) or name in TRAILING or not name:
            continue
        criterion = by_name.get(name.casefold())
        if criterion is None:
            result.error(header_row, name, _("No criterion is called “%(name)s”.") % {"name": name})
        elif criterion in columns.values():
            result.error(header_row, name, _("The criterion has two columns."))
        else:
            columns[index] = criterion
    return columns


def import_matrix(*, view: MatrixView, actor, table) -> ImportResult:
    """Set scores, printed totals and decisions for the industries in the file (adding industries that are
    not on the matrix yet). Only keepers may (PermissionDenied)."""
    services.ensure_keeper(actor)
    result = ImportResult()
    header = [_text(h) for h in table.header]
    lowered = [h.lower() for h in header]
    if lowered[: len(FIXED)] != FIXED:
        result.error(table.header_row, "industry", _("The first two columns must be industry and name."))
        return result
    header = [h.lower() if h.lower() in TRAILING else h for h in header]
    columns = _criteria_columns(header, view, result, table.header_row)
    industries = {}
    for industry in Industry.objects.all():
        for key in (industry.code, industry.name, industry.name_en):
            if key:
                industries[key.casefold()] = industry
    parsed, seen = [], {}
    for number, cells in table.rows:
        cell = dict(zip(header, list(cells) + [""] * (len(header) - len(cells)), strict=False))
        raw = list(cells) + [""] * (len(header) - len(cells))
        code = _text(cell.get("industry")) or _text(cell.get("name"))
        industry = industries.get(code.casefold()) if code else None
        if industry is None:
            result.error(number, "industry", _("“%(value)s” is not a known industry.") % {"value": code})
            continue
        if industry.pk in seen:
            result.error(
                number,
                "industry",
                _("%(industry)s is already on row %(row)d.")
                % {"industry": industry, "row": seen[industry.pk]},
            )
            continue
        seen[industry.pk] = number
        scores, data = {}, {}
        for index, criterion in columns.items():
            try:
                scores[criterion] = _number(raw[index], low=Decimal(0), high=Decimal(criterion.scale_max))
            except CellError as error:
                result.error(number, header[index], error)
        for column, parse in (("printed_total", _number), ("class_decided", _class)):
            if column in cell:
                try:
                    data[column] = parse(cell[column])
                except CellError as error:
                    result.error(number, column, error)
        if "reason" in cell:
            data["reason"] = _text(cell["reason"])
        if data.get("class_decided") and not data.get("reason"):
            result.error(number, "reason", _("Say why you decide otherwise than the score."))
        parsed.append((industry, scores, data))
    if result.errors:
        return result
    rows = {r.industry_id: r for r in IndustryRow.objects.select_related("industry")}
    with transaction.atomic():
        for industry, scores, data in parsed:
            fields = {}
            if "printed_total" in data:
                fields["printed_total"] = data["printed_total"]
            if "class_decided" in data:
                fields["override_class"] = data["class_decided"]
                fields["override_reason"] = data.get("reason", "") if data["class_decided"] else ""
            row = rows.get(industry.pk)
            if row is None:
                row = services.industry_row_create(actor=actor, industry=industry, data=fields)
                result.added += 1
            else:
                changed = {k: v for k, v in fields.items() if getattr(row, k) != v}
                if changed:
                    services.industry_row_update(row=row, actor=actor, data=changed)
                result.updated += 1
            for criterion, value in scores.items():
                services.score_set(row=row, criterion=criterion, value=value, actor=actor)
    return result


def plan_rows(context: dict):
    """The plan as one sheet: its header, the text of the six steps, the measures and the resources."""
    from kam.planning.forms import PLAN_SECTIONS

    plan = context["plan"]
    yield [_("Account plan"), plan.account.name, _("Version"), plan.revision]
    yield [_("Owner"), str(plan.owner), _("Status"), plan.get_status_display()]
    yield [_("Review date"), plan.review_date, "", ""]
    yield []
    for _key, title, names in PLAN_SECTIONS:
        yield [str(title)]
        for name in names:
            yield [str(plan._meta.get_field(name).verbose_name), getattr(plan, name)]
    yield []
    yield [
        _("Measure"),
        _("When"),
        _("Profitability"),
        _("Competitive situation"),
        _("Feasibility"),
        _("Score"),
    ]
    for lane in context["lanes"]:
        for measure in lane["measures"]:
            yield [
                measure.title,
                str(lane["label"]),
                measure.profitability,
                measure.competitive_situation,
                measure.feasibility,
                measure.score,
            ]
    yield []
    yield [
        _("Role"),
        _("People committed"),
        _("People promised"),
        _("Hours committed"),
        _("Hours promised"),
        _("Budget committed"),
        _("Budget promised"),
    ]
    for r in context["resources"]:
        yield [
            r.role,
            r.people_committed,
            r.people_promised,
            r.hours_committed,
            r.hours_promised,
            r.budget_committed,
            r.budget_promised,
        ]
