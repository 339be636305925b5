"""Writes for competition. Every one is audited (kam.core.services), and each grid — an evaluation's criteria
and scores, a matrix's ratings — is saved whole, under its parent's version, so two editors cannot mix their
grids and weights that do not total 1 are never stored."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kam.audit.services import audit_delete, audit_update, snapshot
from kam.competition import evaluation as scoring
from kam.competition.choices import TEMPLATES, Factor
from kam.competition.models import (
    Bidder,
    Competitor,
    Criterion,
    Evaluation,
    Matrix,
    MatrixCell,
    MatrixColumn,
    MatrixRow,
    Score,
    SellingPoint,
)
from kam.core.services import create_instance, delete_instance, update_instance
from kam.users.choices import Role
from kam.users.services import ensure_can_write


def ensure_keeper(actor) -> None:
    """Shared reference data (the catalogue, industry matrices) is kept by managers and admins."""
    ensure_can_write(actor)
    if actor is not None and not (actor.is_admin or actor.role == Role.MANAGER):
        raise PermissionDenied(_("Only managers and administrators keep shared competition data."))


# --- the competitor catalogue -------------------------------------------------------------------------------


def _check_unique_name(name: str, *, exclude: int | None = None) -> None:
    clash = Competitor.objects.filter(name__iexact=(name or "").strip()).exclude(pk=exclude).first()
    if clash is not None:
        raise ValidationError(
            {"name": _("%(name)s is already in the catalogue.") % {"name": clash.name}}, code="unique"
        )


@transaction.atomic
def competitor_create(*, actor, data: dict) -> Competitor:
    ensure_keeper(actor)
    data = {**data, "name": (data.get("name") or "").strip()}
    _check_unique_name(data["name"])
    return create_instance(instance=Competitor(**data), actor=actor)


@transaction.atomic
def competitor_update(
    *, competitor: Competitor, actor, data: dict, expected_version: int | None = None
) -> Competitor:
    ensure_keeper(actor)
    if "name" in data:
        data = {**data, "name": (data["name"] or "").strip()}
        _check_unique_name(data["name"], exclude=competitor.pk)
    return update_instance(instance=competitor, actor=actor, data=data, expected_version=expected_version)


def competitor_usage(competitor: Competitor) -> dict[str, int]:
    """Where a competitor is used, across all accounts (deleting it would rewrite their history)."""
    return {
        "evaluations": competitor.bids.count(),
        "matrices": competitor.matrix_columns.count(),
        "selling_points": competitor.selling_points.count(),
    }


@transaction.atomic
def competitor_delete(*, competitor: Competitor, actor) -> None:
    """Delete a competitor nobody has evaluated or rated yet; one in use is marked inactive instead."""
    ensure_keeper(actor)
    usage = competitor_usage(competitor)
    if any(usage.values()):
        raise ValidationError(
            _(
                "%(name)s is used in %(evaluations)d evaluations, %(matrices)d matrices and "
                "%(selling_points)d selling points, so it stays in the catalogue. Mark it as no longer "
                "competing instead."
            )
            % {"name": competitor, **usage},
            code="in_use",
        )
    delete_instance(instance=competitor, actor=actor)


# --- columns shared by evaluations and matrices -------------------------------------------------------------


def _sync_columns(*, model, parent_field: str, parent, competitors: Iterable[Competitor], actor) -> None:
    """Make the parent's columns us + `competitors` in that order: add, move, and remove the others (their
    scores or ratings go with them, each audited)."""
    wanted = list(dict.fromkeys(competitors))
    existing = {c.competitor_id: c for c in model.objects.filter(**{parent_field: parent})}
    for column in existing.values():
        setattr(column, parent_field, parent)  # the audit entries name the account without a query each
    keep = {None} | {c.pk for c in wanted}
    for competitor_id, column in existing.items():
        if competitor_id not in keep:
            for cell in column.scores.all() if model is Bidder else column.cells.all():
                audit_delete(instance=cell, actor=actor)
            delete_instance(instance=column, actor=actor)
    for position, competitor in enumerate([None, *wanted]):
        column = existing.get(competitor.pk if competitor else None)
        if column is None:
            create_instance(
                instance=model(**{parent_field: parent, "competitor": competitor, "position": position}),
                actor=actor,
            )
        elif column.position != position:
            update_instance(instance=column, actor=actor, data={"position": position})


def removed_with_data(*, parent, competitors: Iterable[Competitor]) -> list[tuple[object, int]]:
    """The competitors a new column list would drop from an evaluation or a matrix, with how many scores or
    ratings go with each — what the page asks the user to confirm."""
    keep = {c.pk for c in competitors}
    if isinstance(parent, Evaluation):
        columns = parent.bidders.exclude(competitor=None).select_related("competitor")
        counted = [(c, c.scores.count()) for c in columns if c.competitor_id not in keep]
    else:
        columns = parent.columns.exclude(competitor=None).select_related("competitor")
        counted = [(c, c.cells.count()) for c in columns if c.competitor_id not in keep]
    return [(column.competitor, count) for column, count in counted if count]


# --- bid evaluations (M4.4) ---------------------------------------------------------------------------------


def _kind_taken(opportunity, kind: str, *, exclude: int | None = None) -> None:
    if Evaluation.objects.filter(opportunity=opportunity, kind=kind).exclude(pk=exclude).exists():
        label = dict(Evaluation._meta.get_field("kind").flatchoices)[kind]
        raise ValidationError(
            {
                "kind": _("This opportunity already has an evaluation of the %(kind)s.")
                % {"kind": str(label).lower()}
            }
        )


@transaction.atomic
def evaluation_create(
    *,
    actor,
    opportunity,
    kind: str,
    competitors: Sequence[Competitor] = (),
    template: str = "",
    note: str = "",
) -> Evaluation:
    """A new evaluation of one bid: us and `competitors` as bidders, and the template's criteria (weights
    totalling 1) if one is chosen; scores are entered on the grid."""
    ensure_can_write(actor)
    if template and template not in TEMPLATES:
        raise ValidationError({"template": _("Choose a template from the list.")})
    _kind_taken(opportunity, kind)
    evaluation = create_instance(
        instance=Evaluation(opportunity=opportunity, kind=kind, note=note or ""), actor=actor
    )
    _sync_columns(
        model=Bidder, parent_field="evaluation", parent=evaluation, competitors=competitors, actor=actor
    )
    if template:
        for position, (name, name_en, weight) in enumerate(TEMPLATES[template][2]):
            create_instance(
                instance=Criterion(
                    evaluation=evaluation, position=position, name=name, name_en=name_en, weight=weight
                ),
                actor=actor,
            )
    return evaluation


@transaction.atomic
def evaluation_update(
    *,
    evaluation: Evaluation,
    actor,
    data: dict,
    competitors: Sequence[Competitor] | None = None,
    expected_version: int | None = None,
) -> Evaluation:
    """Change the bid kind or note, and (if given) the competitors: a dropped one takes its scores along."""
    ensure_can_write(actor)
    data = {k: v for k, v in data.items() if k in {"kind", "note"}}
    if "kind" in data:
        _kind_taken(evaluation.opportunity, data["kind"], exclude=evaluation.pk)
    evaluation = update_instance(
        instance=evaluation, actor=actor, data=data, expected_version=expected_version
    )
    if competitors is not None:
        _sync_columns(
            model=Bidder, parent_field="evaluation", parent=evaluation, competitors=competitors, actor=actor
        )
    return evaluation


@transaction.atomic
def evaluation_delete(*, evaluation: Evaluation, actor) -> None:
    ensure_can_write(actor)
    for score in Score.objects.filter(bidder__evaluation=evaluation).select_related("bidder"):
        score.bidder.evaluation = evaluation
        audit_delete(instance=score, actor=actor)
    for record in [*evaluation.criteria.all(), *evaluation.bidders.all()]:
        record.evaluation = evaluation
        audit_delete(instance=record, actor=actor)
    delete_instance(instance=evaluation, actor=actor)


def _weights_error(total: Decimal) -> ValidationError:
    return ValidationError(
        {
            "weights": _("The weights total %(total)s; they must total 1.")
            % {"total": scoring.format_weight(total)}
        },
        code="weights_total",
    )


def _grid_rows(rows: Sequence[dict], existing: dict, columns: dict, *, what: str):
    """Check a grid's rows against the saved ones: ids known, names given and distinct, cells only for the
    grid's columns. Returns (kept rows as (saved record or None, row), saved records to remove): the rows
    are the whole grid, so a saved row that is not listed is removed — except a matrix's factor rows, which
    every matrix keeps."""
    kept, names = [], {}
    for number, row in enumerate(rows, start=1):
        record = None
        if row.get("id") is not None:
            record = existing.get(row["id"])
            if record is None:
                raise ValidationError(
                    {what: _("Row %(row)d is not part of this grid any more.") % {"row": number}}
                )
        if row.get("remove") and not getattr(record, "factor", ""):
            continue
        name = (row.get("name") or "").strip()
        if not getattr(record, "factor", ""):
            if not name:
                raise ValidationError({what: _("Row %(row)d needs a name.") % {"row": number}})
            if name.casefold() in names:
                raise ValidationError(
                    {
                        what: _("“%(name)s” is on rows %(first)d and %(row)d; name each row once.")
                        % {"name": name, "first": names[name.casefold()], "row": number}
                    }
                )
            names[name.casefold()] = number
        if set(row.get("cells", {})) - set(columns):
            raise ValidationError(
                {what: _("Row %(row)d has a cell for a column not in this grid.") % {"row": number}}
            )
        kept.append((record, {**row, "name": name}))
    listed = {record.pk for record, _row in kept if record is not None}
    removed = [r for pk, r in existing.items() if pk not in listed and not getattr(r, "factor", "")]
    kept += [(r, None) for pk, r in existing.items() if pk not in listed and getattr(r, "factor", "")]
    return kept, removed


def _save_cells(
    *, model, row_field: str, column_field: str, value_field: str, record, saved, cells, columns, actor
):
    """Create, change or delete the cells of one grid row (a cell has no version: its grid's guards it)."""
    for column_id, value in cells.items():
        cell = saved.get(column_id)
        if value is None and cell is not None:
            delete_instance(instance=cell, actor=actor)
        elif value is not None and cell is None:
            data = {row_field: record, column_field: columns[column_id], value_field: value}
            create_instance(instance=model(**data), actor=actor)
        elif value is not None and getattr(cell, value_field) != value:
            before = snapshot(cell)
            setattr(cell, value_field, value)
            cell.full_clean()
            cell.save(update_fields=[value_field])
            audit_update(instance=cell, actor=actor, before=before)


@transaction.atomic
def evaluation_grid_save(
    *, evaluation: Evaluation, actor, rows: Sequence[dict], expected_version: int | None = None
) -> Evaluation:
    """Save the whole grid of an evaluation at once (M4.4).

    `rows` are the criteria in order: {"id": saved criterion id or None, "name", "name_en", "weight": Decimal,
    "cells": {bidder id: score 1–5 or None}, "remove": bool}. The rows are the whole grid: a saved
    criterion not listed is removed with its scores. Weights must total exactly 1 (unless no criterion is
    left); anything wrong is refused whole, with the sum of the weights in the message.
    """
    ensure_can_write(actor)
    evaluation = update_instance(instance=evaluation, actor=actor, data={}, expected_version=expected_version)
    bidders = {b.pk: b for b in evaluation.bidders.select_related("competitor")}
    existing = {c.pk: c for c in evaluation.criteria.prefetch_related("scores")}
    for criterion in existing.values():
        criterion.evaluation = evaluation
    kept, removed = _grid_rows(rows, existing, bidders, what="criteria")
    if kept:
        try:
            scoring.check_weights([row["weight"] for _record, row in kept])
        except scoring.WeightsError as error:
            raise _weights_error(error.total) from error
        except ValueError as error:
            raise ValidationError({"weights": _("A weight is a number from 0 to 1, e.g. 0.15.")}) from error
    for criterion in removed:
        for score in criterion.scores.all():
            score.criterion, score.bidder = criterion, bidders[score.bidder_id]
            delete_instance(instance=score, actor=actor)
        delete_instance(instance=criterion, actor=actor)
    for position, (criterion, row) in enumerate(kept):
        data = {
            "position": position,
            "name": row["name"],
            "name_en": (row.get("name_en") or "").strip(),
            "weight": row["weight"],
        }
        if criterion is None:
            criterion = create_instance(instance=Criterion(evaluation=evaluation, **data), actor=actor)
            cells = {}
        else:
            changed = {k: v for k, v in data.items() if getattr(criterion, k) != v}
            if changed:
                update_instance(instance=criterion, actor=actor, data=changed)
            cells = {s.bidder_id: s for s in criterion.scores.all()}
            for score in cells.values():
                score.criterion, score.bidder = criterion, bidders[score.bidder_id]
        _save_cells(
            model=Score,
            row_field="criterion",
            column_field="bidder",
            value_field="value",
            record=criterion,
            saved=cells,
            cells=row.get("cells", {}),
            columns=bidders,
            actor=actor,
        )
    return evaluation


# --- competitiveness matrices (M2.2) ------------------------------------------------------------------------


@transaction.atomic
def matrix_create(
    *,
    actor,
    title: str,
    account=None,
    industry=None,
    note: str = "",
    competitors: Sequence[Competitor] = (),
    product_lines: Sequence[str] = (),
) -> Matrix:
    """A new matrix for an account (or, kept by managers, for an industry): us and `competitors` as columns,
    the product lines and M2.2's six competitive factors as rows."""
    if industry is not None:
        ensure_keeper(actor)
    else:
        ensure_can_write(actor)
    matrix = create_instance(
        instance=Matrix(account=account, industry=industry, title=title, note=note or ""), actor=actor
    )
    _sync_columns(
        model=MatrixColumn, parent_field="matrix", parent=matrix, competitors=competitors, actor=actor
    )
    lines = [name.strip() for name in product_lines if name and name.strip()]
    if len({n.casefold() for n in lines}) != len(lines):
        raise ValidationError({"product_lines": _("Name each product line once.")})
    for position, name in enumerate(lines):
        create_instance(instance=MatrixRow(matrix=matrix, position=position, name=name), actor=actor)
    for offset, factor in enumerate(Factor.values):
        create_instance(
            instance=MatrixRow(matrix=matrix, position=len(lines) + offset, factor=factor), actor=actor
        )
    return matrix


def _ensure_matrix_writer(matrix: Matrix, actor) -> None:
    if matrix.industry_id:
        ensure_keeper(actor)
    else:
        ensure_can_write(actor)


@transaction.atomic
def matrix_update(
    *,
    matrix: Matrix,
    actor,
    data: dict,
    competitors: Sequence[Competitor] | None = None,
    expected_version: int | None = None,
) -> Matrix:
    """Change the title or note, and (if given) the competitors: a dropped one takes its ratings along."""
    _ensure_matrix_writer(matrix, actor)
    data = {k: v for k, v in data.items() if k in {"title", "note"}}
    matrix = update_instance(instance=matrix, actor=actor, data=data, expected_version=expected_version)
    if competitors is not None:
        _sync_columns(
            model=MatrixColumn, parent_field="matrix", parent=matrix, competitors=competitors, actor=actor
        )
    return matrix


@transaction.atomic
def matrix_grid_save(
    *, matrix: Matrix, actor, rows: Sequence[dict], expected_version: int | None = None
) -> Matrix:
    """Save the whole grid of a matrix at once (M2.2).

    `rows` are the product lines and factor rows in order: {"id": saved row id or None (a new product line),
    "name": the product line's name (ignored for factors), "cells": {column id: rating 1–5 or None},
    "remove": bool}. The rows are the whole grid: a saved product line not listed is removed with its
    ratings; the six factor rows always stay (unlisted ones keep their ratings and go last).
    """
    _ensure_matrix_writer(matrix, actor)
    matrix = update_instance(instance=matrix, actor=actor, data={}, expected_version=expected_version)
    columns = {c.pk: c for c in matrix.columns.select_related("competitor")}
    existing = {r.pk: r for r in matrix.rows.prefetch_related("cells")}
    for record in existing.values():
        record.matrix = matrix
    kept, removed = _grid_rows(rows, existing, columns, what="rows")
    kept.sort(key=lambda pair: bool(getattr(pair[0], "factor", "")))  # product lines first, then the factors
    for row in removed:
        for cell in row.cells.all():
            cell.row, cell.column = row, columns[cell.column_id]
            delete_instance(instance=cell, actor=actor)
        delete_instance(instance=row, actor=actor)
    for position, (record, row) in enumerate(kept):
        if row is None:
            if record.position != position:
                update_instance(instance=record, actor=actor, data={"position": position})
            continue
        if record is None:
            record = create_instance(
                instance=MatrixRow(matrix=matrix, position=position, name=row["name"]), actor=actor
            )
            cells = {}
        else:
            data = {"position": position} | ({} if record.factor else {"name": row["name"]})
            changed = {k: v for k, v in data.items() if getattr(record, k) != v}
            if changed:
                update_instance(instance=record, actor=actor, data=changed)
            cells = {c.column_id: c for c in record.cells.all()}
            for cell in cells.values():
                cell.row, cell.column = record, columns[cell.column_id]
        _save_cells(
            model=MatrixCell,
            row_field="row",
            column_field="column",
            value_field="rating",
            record=record,
            saved=cells,
            cells=row.get("cells", {}),
            columns=columns,
            actor=actor,
        )
    return matrix


@transaction.atomic
def matrix_delete(*, matrix: Matrix, actor) -> None:
    _ensure_matrix_writer(matrix, actor)
    columns = {c.pk: c for c in matrix.columns.all()}
    for row in matrix.rows.prefetch_related("cells"):
        row.matrix = matrix
        for cell in row.cells.all():
            cell.row, cell.column = row, columns[cell.column_id]
            audit_delete(instance=cell, actor=actor)
        audit_delete(instance=row, actor=actor)
    for column in columns.values():
        column.matrix = matrix
        audit_delete(instance=column, actor=actor)
    delete_instance(instance=matrix, actor=actor)


# --- unique selling points (M2.2) ---------------------------------------------------------------------------


@transaction.atomic
def selling_point_create(
    *, actor, account, data: dict, competitors: Iterable[Competitor] = ()
) -> SellingPoint:
    ensure_can_write(actor)
    return create_instance(
        instance=SellingPoint(account=account, **data), actor=actor, m2m={"competitors": list(competitors)}
    )


@transaction.atomic
def selling_point_update(
    *,
    selling_point: SellingPoint,
    actor,
    data: dict,
    competitors: Iterable[Competitor] | None = None,
    expected_version: int | None = None,
) -> SellingPoint:
    ensure_can_write(actor)
    data = {k: v for k, v in data.items() if k != "account"}
    m2m = None if competitors is None else {"competitors": list(competitors)}
    return update_instance(
        instance=selling_point, actor=actor, data=data, expected_version=expected_version, m2m=m2m
    )


@transaction.atomic
def selling_point_delete(*, selling_point: SellingPoint, actor) -> None:
    ensure_can_write(actor)
    delete_instance(instance=selling_point, actor=actor)
