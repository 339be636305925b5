"""Reads of competition data, always within what restrict() lets the user see.

`evaluation_views()` and `matrix_views()` gather any number of evaluations or matrices with their columns,
rows and cells in a fixed number of queries and hand plain values to the pure arithmetic (evaluation.py,
matrix.py); the panels on the opportunity and account pages are built from them.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kam.competition import evaluation as scoring
from kam.competition import matrix as matrices
from kam.competition.choices import SCORE_MAX, BidKind, Rating
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

# --- the catalogue ------------------------------------------------------------------------------------------


def competitor_list(*, user, action: str = "view") -> QuerySet[Competitor]:
    return Competitor.objects.restrict(user, action)


def competitor_get(*, user, pk, action: str = "view") -> Competitor:
    return get_object_or_404(competitor_list(user=user, action=action), pk=pk)


_SEPARATORS = re.compile(r"\s*[,，;；、/\n]\s*")


def split_names(text: str) -> list[str]:
    """The names in an opportunity's free-text "competitors" field ("中国电信, 中国网通" → two names)."""
    return list(dict.fromkeys(name for name in _SEPARATORS.split((text or "").strip()) if name))


def named_competitors(text: str) -> list[tuple[str, Competitor | None]]:
    """Each name of the free-text field with its catalogue entry (Chinese or English name, any case)."""
    names = split_names(text)
    if not names:
        return []
    wanted = {name.casefold() for name in names}
    query = Q()
    for name in names:
        query |= Q(name__iexact=name) | Q(name_en__iexact=name)
    found = {}
    for competitor in Competitor.objects.filter(query):
        for key in (competitor.name.casefold(), competitor.name_en.casefold()):
            if key in wanted:
                found.setdefault(key, competitor)
    return [(name, found.get(name.casefold())) for name in names]


# --- bid evaluations (M4.4) ---------------------------------------------------------------------------------


def evaluation_list(*, user, action: str = "view") -> QuerySet[Evaluation]:
    return Evaluation.objects.restrict(user, action).select_related(
        "opportunity__account", "opportunity__stage", "opportunity__owner"
    )


def evaluation_get(*, user, pk, action: str = "view") -> Evaluation:
    return get_object_or_404(evaluation_list(user=user, action=action), pk=pk)


@dataclass
class EvaluationView:
    """An evaluation with its grid and result, as the pages, the API and the exports show it."""

    evaluation: Evaluation
    bidders: list[Bidder]  # us first
    criteria: list[Criterion]
    scores: dict[tuple[int, int], int]  # (criterion id, bidder id) → score
    result: scoring.Result

    @property
    def dom_id(self) -> str:
        """The id of its chart on a page (and of the chart's data, with "-data")."""
        return f"evaluation-{self.evaluation.pk}-radar"

    @property
    def data_id(self) -> str:
        return f"{self.dom_id}-data"

    @property
    def us(self) -> Bidder:
        return next(b for b in self.bidders if b.is_us)

    @property
    def rivals(self) -> list[Bidder]:
        return [b for b in self.bidders if not b.is_us]

    @property
    def weight_total(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))

    @property
    def weight_total_label(self) -> str:
        return scoring.format_weight(self.weight_total)

    @property
    def missing(self) -> int:
        return len(self.criteria) * len(self.bidders) - len(self.scores)

    @property
    def table(self) -> list[dict]:
        """One line per criterion: its cells in bidder order and its gap."""
        return [
            {
                "criterion": criterion,
                "cells": [self.scores.get((criterion.pk, b.pk)) for b in self.bidders],
                "gap": gap,
                "best_rivals": [b for b in self.rivals if b.pk in gap.best_rivals],
            }
            for criterion, gap in zip(self.criteria, self.result.gaps, strict=True)
        ]

    @property
    def columns(self) -> list[tuple[Bidder, scoring.Standing]]:
        """Each bidder (in column order) with their standing, for the table's footer."""
        return [(b, self.result.of(b.pk)) for b in self.bidders]

    @property
    def ranking(self) -> list[tuple[Bidder, scoring.Standing]]:
        by_pk = {b.pk: b for b in self.bidders}
        return [(by_pk[s.bidder], s) for s in self.result.standings]

    @property
    def best_rival(self) -> Bidder | None:
        standing = self.result.best_rival
        return next((b for b in self.bidders if standing and b.pk == standing.bidder), None)

    @property
    def deficits(self) -> list[dict]:
        """The criteria where the best competitor beats us, the costliest (weight × gap) first."""
        behind = [line for line in self.table if line["gap"].gap is not None and line["gap"].gap < 0]
        return sorted(behind, key=lambda line: (line["gap"].weighted, line["criterion"].position))

    @property
    def chart(self) -> dict:
        """The radar: one axis per criterion (0–5), one polygon per bidder."""
        return {
            "indicators": [{"name": str(c), "max": SCORE_MAX, "min": 0} for c in self.criteria],
            "series": [
                {
                    "name": str(b),
                    "us": b.is_us,
                    "value": [self.scores.get((c.pk, b.pk)) for c in self.criteria],
                }
                for b in self.bidders
            ],
        }


def evaluation_views(evaluations) -> list[EvaluationView]:
    """The grids and results of `evaluations` (already restricted) in three queries, whatever their size."""
    evaluations = list(evaluations)
    ids = [e.pk for e in evaluations]
    bidders, criteria = defaultdict(list), defaultdict(list)
    for bidder in Bidder.objects.filter(evaluation_id__in=ids).select_related("competitor"):
        bidders[bidder.evaluation_id].append(bidder)
    for criterion in Criterion.objects.filter(evaluation_id__in=ids):
        criteria[criterion.evaluation_id].append(criterion)
    scores = defaultdict(dict)
    for criterion_id, bidder_id, evaluation_id, value in Score.objects.filter(
        bidder__evaluation_id__in=ids
    ).values_list("criterion_id", "bidder_id", "bidder__evaluation_id", "value"):
        scores[evaluation_id][(criterion_id, bidder_id)] = value
    views = []
    for evaluation in evaluations:
        columns = bidders[evaluation.pk]
        for record in [*columns, *criteria[evaluation.pk]]:
            record.evaluation = evaluation
        grid = scores[evaluation.pk]
        lines = [
            scoring.Line(c.pk, c.weight, {b.pk: grid.get((c.pk, b.pk)) for b in columns})
            for c in criteria[evaluation.pk]
        ]
        us = next(b.pk for b in columns if b.is_us)
        views.append(
            EvaluationView(
                evaluation=evaluation,
                bidders=columns,
                criteria=criteria[evaluation.pk],
                scores=grid,
                result=scoring.evaluate(lines, [b.pk for b in columns], us=us),
            )
        )
    return views


def evaluation_view(evaluation: Evaluation) -> EvaluationView:
    return evaluation_views([evaluation])[0]


# --- competitiveness matrices (M2.2) ------------------------------------------------------------------------


def matrix_list(*, user, action: str = "view") -> QuerySet[Matrix]:
    return Matrix.objects.restrict(user, action).select_related("account", "industry")


def matrix_get(*, user, pk, action: str = "view") -> Matrix:
    return get_object_or_404(matrix_list(user=user, action=action), pk=pk)


RATING_LABELS = dict(Rating.choices)


@dataclass
class MatrixView:
    """A matrix with its grid, comparisons and heatmaps."""

    matrix: Matrix
    columns: list[MatrixColumn]  # us first
    rows: list[MatrixRow]  # in order; product lines and factors
    ratings: dict[tuple[int, int], int]  # (row id, column id) → rating

    def _lines(self, rows) -> list[dict]:
        us = self.us.pk
        compared = matrices.compare(
            [matrices.Row(r.pk, {c.pk: self.ratings.get((r.pk, c.pk)) for c in self.columns}) for r in rows],
            [c.pk for c in self.columns],
            us=us,
        )
        by_pk = {c.pk: c for c in self.columns}
        return [
            {
                "row": row,
                "cells": [self.ratings.get((row.pk, c.pk)) for c in self.columns],
                "comparison": comparison,
                "best_rivals": [by_pk[pk] for pk in comparison.best_rivals],
            }
            for row, comparison in zip(rows, compared, strict=True)
        ]

    @property
    def dom_id(self) -> str:
        """The prefix of its charts' ids on a page."""
        return f"matrix-{self.matrix.pk}"

    @property
    def data_id(self) -> str:
        return f"{self.dom_id}-data"

    @property
    def behind(self) -> list[dict]:
        """Rows where a competitor is rated above us: where they can attack."""
        return [
            line
            for line in self.product_lines + self.factors
            if line["comparison"].edge is not None and line["comparison"].edge < 0
        ]

    @property
    def us(self) -> MatrixColumn:
        return next(c for c in self.columns if c.is_us)

    @property
    def product_lines(self) -> list[dict]:
        return self._lines([r for r in self.rows if not r.is_factor])

    @property
    def factors(self) -> list[dict]:
        return self._lines([r for r in self.rows if r.is_factor])

    @property
    def rated(self) -> int:
        return len(self.ratings)

    @property
    def edges(self) -> list[dict]:
        """Rows where we are rated above every rated competitor: candidate selling points (M2.2)."""
        return [line for line in self.product_lines + self.factors if line["comparison"].ahead]

    @property
    def averages(self) -> list[tuple[MatrixColumn, Decimal | None]]:
        """Each column's mean rating over the product lines."""
        lines = [r for r in self.rows if not r.is_factor]
        means = matrices.averages(
            [matrices.Row(r.pk, {c.pk: self.ratings.get((r.pk, c.pk)) for c in self.columns}) for r in lines],
            [c.pk for c in self.columns],
        )
        return [(c, means[c.pk]) for c in self.columns]

    def _heatmap(self, rows) -> dict:
        return {
            "columns": [str(c) for c in self.columns],
            "rows": [str(r) for r in rows],
            "points": matrices.heatmap(
                [
                    matrices.Row(r.pk, {c.pk: self.ratings.get((r.pk, c.pk)) for c in self.columns})
                    for r in rows
                ],
                [c.pk for c in self.columns],
            ),
            "labels": {str(value): str(label) for value, label in Rating.choices},
            "strong": _("Strong"),
            "weak": _("Weak"),
        }

    @property
    def chart(self) -> dict:
        return {
            "lines": self._heatmap([r for r in self.rows if not r.is_factor]),
            "factors": self._heatmap([r for r in self.rows if r.is_factor]),
        }


def matrix_views(matrix_records) -> list[MatrixView]:
    """The grids of `matrix_records` (already restricted) in three queries, whatever their size."""
    records = list(matrix_records)
    ids = [m.pk for m in records]
    columns, rows = defaultdict(list), defaultdict(list)
    for column in MatrixColumn.objects.filter(matrix_id__in=ids).select_related("competitor"):
        columns[column.matrix_id].append(column)
    for row in MatrixRow.objects.filter(matrix_id__in=ids):
        rows[row.matrix_id].append(row)
    ratings = defaultdict(dict)
    for row_id, column_id, matrix_id, rating in MatrixCell.objects.filter(row__matrix_id__in=ids).values_list(
        "row_id", "column_id", "row__matrix_id", "rating"
    ):
        ratings[matrix_id][(row_id, column_id)] = rating
    views = []
    for matrix in records:
        for record in [*columns[matrix.pk], *rows[matrix.pk]]:
            record.matrix = matrix
        views.append(MatrixView(matrix, columns[matrix.pk], rows[matrix.pk], ratings[matrix.pk]))
    return views


def matrix_view(matrix: Matrix) -> MatrixView:
    return matrix_views([matrix])[0]


def matrices_for_account(*, user, account) -> QuerySet[Matrix]:
    """The account's own matrices, then those of its industry."""
    scope = Q(account=account)
    if account.industry_id:
        scope |= Q(industry_id=account.industry_id)
    return matrix_list(user=user).filter(scope).order_by("industry_id", "title", "id")


# --- selling points (M2.2) ----------------------------------------------------------------------------------


def selling_point_list(*, user, action: str = "view") -> QuerySet[SellingPoint]:
    return SellingPoint.objects.restrict(user, action).select_related("account")


def selling_point_get(*, user, pk, action: str = "view") -> SellingPoint:
    return get_object_or_404(selling_point_list(user=user, action=action), pk=pk)


# --- pages --------------------------------------------------------------------------------------------------


def panel(user, opportunity) -> dict:
    """The opportunity page's competition panel: the competitors it names and its bid evaluations."""
    from kam.users.access import can

    evaluations = list(Evaluation.objects.filter(opportunity=opportunity).order_by("kind", "id"))
    for evaluation in evaluations:
        evaluation.opportunity = opportunity
    taken = {e.kind for e in evaluations}
    return {
        "opportunity": opportunity,
        "evaluations": evaluation_views(evaluations),
        "named": named_competitors(opportunity.competitors),
        "can_change": can(user, "change", opportunity),
        "kinds_left": [(value, label) for value, label in BidKind.choices if value not in taken],
    }


def account_evaluations(*, user, account) -> list[EvaluationView]:
    """The evaluations of the account's opportunities the user may see, newest deals first."""
    evaluations = evaluation_list(user=user).filter(opportunity__account=account)
    return evaluation_views(evaluations.order_by("-opportunity__updated_at", "opportunity_id", "kind"))


def account_competition(*, user, account) -> dict:
    """Everything competition knows about one account: matrices, selling points, evaluations."""
    from kam.users.access import can

    points = (
        selling_point_list(user=user).filter(account=account).prefetch_related("competitors").order_by("id")
    )
    return {
        "account": account,
        "matrices": matrix_views(matrices_for_account(user=user, account=account)),
        "selling_points": list(points),
        "evaluations": account_evaluations(user=user, account=account),
        "can_change": can(user, "change", account),
    }


def account_panel(user, account) -> dict:
    return account_competition(user=user, account=account)


def competitor_record(*, user, competitor: Competitor) -> dict:
    """A competitor's page: where we met it (evaluations and matrices the user may see) and how it went."""
    evaluations = evaluation_list(user=user).filter(bidders__competitor=competitor).order_by("-updated_at")
    views = evaluation_views(evaluations[:50])
    meetings = []
    for view in views:
        theirs = next(s for b, s in view.columns if b.competitor_id == competitor.pk)
        meetings.append({"view": view, "theirs": theirs, "ours": view.result.ours})
    matrix_records = matrix_list(user=user).filter(columns__competitor=competitor).order_by("title")
    from kam.pipeline import selectors as pipeline_selectors

    names = Q(winning_competitor__iexact=competitor.name)
    if competitor.name_en:
        names |= Q(winning_competitor__iexact=competitor.name_en)
    lost_to = pipeline_selectors.opportunity_list(user=user).filter(names)
    return {
        "competitor": competitor,
        "meetings": meetings,
        "matrices": list(matrix_records),
        "lost_to": list(lost_to.order_by("-closed_on")[:20]),
    }
