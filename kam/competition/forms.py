"""Forms of competition. The two grids (an evaluation's criteria × bidders, a matrix's rows × columns) are
plain forms with one field per cell, so every input has its own label and error, and the whole grid is
handed to its service in one call."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.competition.choices import SCORE_MAX, SCORE_MIN, TEMPLATES, Rating
from kam.competition.evaluation import format_weight
from kam.competition.models import Competitor, Evaluation, Matrix, SellingPoint
from kam.core.forms import BootstrapFormMixin, VersionedModelForm, style_widgets

MAX_ROWS = 60
#: Stand-ins in the empty row the page copies when a row is added (grid.js puts the row's index and number).
ROW_INDEX, ROW_NUMBER = "__I__", "__N__"


class CompetitorForm(VersionedModelForm):
    class Meta:
        model = Competitor
        fields = ["name", "name_en", "origin", "strengths", "weaknesses", "is_active"]
        widgets = {
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "weaknesses": forms.Textarea(attrs={"rows": 3}),
        }


def competitor_choices(selected=()):
    """Active competitors, plus any already chosen that stopped competing (so a save keeps them)."""
    from django.db.models import Q

    return Competitor.objects.filter(Q(is_active=True) | Q(pk__in=[c.pk for c in selected])).order_by("name")


class CompetitorsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def label_from_instance(self, obj):
        origin = f" · {obj.get_origin_display()}" if obj.origin else ""
        return f"{obj}{origin}"


class EvaluationCreateForm(BootstrapFormMixin, forms.Form):
    """A new evaluation of one bid (M4.4): which bid, a criteria template, and the competitors."""

    kind = forms.ChoiceField(label=_("Bid"))
    template = forms.ChoiceField(
        label=_("Criteria"),
        required=False,
        help_text=_(
            "Start from a template (its weights total 1) or from an empty grid; you can change every "
            "criterion and weight afterwards."
        ),
    )
    competitors = CompetitorsField(
        label=_("Competitors"),
        queryset=Competitor.objects.none(),
        required=False,
        help_text=_("From the competitor catalogue. We are always a bidder."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["template"].choices = [("", _("Empty grid"))] + [
            (key, label) for key, (label, _kind, _rows) in TEMPLATES.items()
        ]
        self.fields["competitors"].queryset = competitor_choices()


class EvaluationSettingsForm(VersionedModelForm):
    """The bid and the competitors of an evaluation; dropping a scored competitor needs a confirmation."""

    competitors = CompetitorsField(label=_("Competitors"), queryset=Competitor.objects.none(), required=False)
    confirm_removal = forms.BooleanField(label=_("Yes, delete their scores"), required=False)

    class Meta:
        model = Evaluation
        fields = ["kind", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competitors"].queryset = competitor_choices(current)
        self.fields["competitors"].initial = [c.pk for c in current]


class MatrixCreateForm(BootstrapFormMixin, forms.Form):
    """A new competitiveness matrix (M2.2): what it covers, the competitors and the product lines."""

    title = forms.CharField(
        label=pgettext_lazy("document", "Title"),
        max_length=200,
        help_text=_("What it covers, e.g. “Fujian province, communication products”."),
    )
    competitors = CompetitorsField(
        label=_("Competitors"),
        queryset=Competitor.objects.none(),
        required=False,
        help_text=_("We are always a column."),
    )
    product_lines = forms.CharField(
        label=_("Product lines"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line. The six competitive factors of M2.2 are added as rows too."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competitors"].queryset = competitor_choices()

    def lines(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data.get("product_lines", "").splitlines() if line.strip()
        ]


class MatrixSettingsForm(VersionedModelForm):
    competitors = CompetitorsField(label=_("Competitors"), queryset=Competitor.objects.none(), required=False)
    confirm_removal = forms.BooleanField(label=_("Yes, delete their ratings"), required=False)

    class Meta:
        model = Matrix
        fields = ["title", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competitors"].queryset = competitor_choices(current)
        self.fields["competitors"].initial = [c.pk for c in current]


class SellingPointForm(VersionedModelForm):
    competitors = CompetitorsField(
        label=_("Compared with"),
        queryset=Competitor.objects.none(),
        required=False,
        help_text=_("The competitors who cannot meet this need, or meet it worse."),
    )

    class Meta:
        model = SellingPoint
        fields = ["need", "edge", "standing", "competitors", "evidence", "product_line"]
        widgets = {"edge": forms.Textarea(attrs={"rows": 3}), "evidence": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(self.instance.competitors.all()) if self.instance.pk else []
        self.fields["competitors"].queryset = competitor_choices(current)


class ImportFileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("Columns as in the export."),
    )


# --- the grids ----------------------------------------------------------------------------------------------


class GridForm(BootstrapFormMixin, forms.Form):
    """Rows × columns of cell fields. Field names: r<i>-id, r<i>-name, r<i>-c<column id>, r<i>-remove, …;
    `rows` says how many rows were posted (the page adds rows in the browser). A grid defines
    `add_row_fields(index, row)` to add its cells for one row (scores, or ratings)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS)

    def __init__(self, data=None, *, columns, saved, blank: int, version: int, **options):
        self.options = {"columns": columns, **options}
        super().__init__(data)
        self.columns = list(columns)
        self.saved = {row.pk: row for row in saved}
        if data is not None:
            try:
                count = min(max(int(data.get("rows", 0)), 0), MAX_ROWS)
            except (TypeError, ValueError):
                count = 0
            initial = [None] * count
        else:
            initial = [*saved, *[None] * blank]
        self.fields["version"].initial = version
        self.fields["rows"].initial = len(initial)
        for index, row in enumerate(initial):
            self.add_row(index, row)
        style_widgets(self)

    def add_row(self, index: int, row) -> None:
        prefix = f"r{index}-"
        self.fields[prefix + "id"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=row.pk if row else None
        )
        self.fields[prefix + "remove"] = forms.BooleanField(
            label=_("Remove"),
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input kam-remove"}),
        )
        self.add_row_fields(index, row)
        number = index + 1 if isinstance(index, int) else ROW_NUMBER
        for name, field in self.fields.items():
            if name.startswith(prefix) and not name.endswith("-id"):
                field.widget.attrs["aria-label"] = _("Row %(row)s · %(field)s") % {
                    "row": number,
                    "field": field.label,
                }

    def row_template(self) -> dict:
        """An empty row whose names hold ROW_INDEX and ROW_NUMBER, for the page's "add a row" button."""
        blank = type(self)(saved=[], blank=0, version=0, **self.options)
        blank.add_row(ROW_INDEX, None)
        style_widgets(blank)
        return blank.entry(ROW_INDEX)

    def table(self) -> list[dict]:
        return [self.entry(index) for index in range(self.row_count())]

    def cell(self, index: int, column) -> str:
        return f"r{index}-c{column.pk}"

    def row_count(self) -> int:
        return sum(1 for name in self.fields if name.endswith("-id"))

    def _row_is_blank(self, index: int) -> bool:
        raw = self.data
        names = [n for n in self.fields if n.startswith(f"r{index}-") and not n.endswith(("-id", "-remove"))]
        return not raw.get(f"r{index}-id") and all(not (raw.get(n) or "").strip() for n in names)

    def clean(self):
        cleaned = super().clean()
        for index in range(self.row_count()):
            prefix = f"r{index}-"
            if self._row_is_blank(index) or cleaned.get(prefix + "remove"):
                for name in [n for n in self.errors if n.startswith(prefix)]:
                    del self.errors[name]
                continue
            self.check_row(index, cleaned)
        return cleaned

    def check_row(self, index: int, cleaned) -> None:
        """Row-level rules beyond each field's own (a name where one is needed …)."""

    def grid_rows(self) -> list[dict]:
        rows = []
        for index in range(self.row_count()):
            if self._row_is_blank(index):
                continue
            prefix, data = f"r{index}-", self.cleaned_data
            rows.append(
                {
                    "id": data.get(prefix + "id"),
                    "remove": bool(data.get(prefix + "remove")),
                    "cells": {c.pk: data.get(self.cell(index, c)) for c in self.columns},
                    **self.row_data(index),
                }
            )
        return rows

    def row_data(self, index: int) -> dict:
        return {}

    def error_list(self) -> list[str]:
        """Every field error as "Row 3 · Weight: …", for the summary above the grid."""
        found = []
        for name, errors in self.errors.items():
            if name in self.fields and name.startswith("r"):
                row = int(name[1 : name.index("-")]) + 1
                label = self.fields[name].label
                found += [
                    _("Row %(row)d · %(field)s: %(error)s") % {"row": row, "field": label, "error": e}
                    for e in errors
                ]
        return found


class ScoreGridForm(GridForm):
    """An evaluation's criteria (name, English name, weight) and every bidder's score, 1–5."""

    def add_row_fields(self, index: int, row) -> None:
        prefix = f"r{index}-"
        self.fields[prefix + "name"] = forms.CharField(
            label=_("Criterion"), max_length=120, required=False, initial=row.name if row else ""
        )
        self.fields[prefix + "name_en"] = forms.CharField(
            label=_("Criterion (English)"), max_length=120, required=False, initial=row.name_en if row else ""
        )
        self.fields[prefix + "weight"] = forms.DecimalField(
            label=_("Weight"),
            required=False,
            min_value=Decimal(0),
            max_value=Decimal(1),
            max_digits=4,
            decimal_places=3,
            initial=format_weight(row.weight) if row else None,
            widget=forms.NumberInput(
                attrs={
                    "step": "0.01",
                    "min": 0,
                    "max": 1,
                    "inputmode": "decimal",
                    "class": "text-end kam-weight",
                }
            ),
        )
        for column in self.columns:
            self.fields[self.cell(index, column)] = forms.IntegerField(
                label=str(column),
                required=False,
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                initial=self.initial_scores.get((row.pk, column.pk)) if row else None,
                widget=forms.NumberInput(
                    attrs={
                        "step": 1,
                        "min": SCORE_MIN,
                        "max": SCORE_MAX,
                        "inputmode": "numeric",
                        "class": "text-end kam-score",
                        "data-column": column.pk,
                    }
                ),
            )

    def __init__(self, data=None, *, scores: dict, **kwargs):
        self.initial_scores = scores
        super().__init__(data, scores=scores, **kwargs)

    def check_row(self, index: int, cleaned) -> None:
        prefix = f"r{index}-"
        if not (cleaned.get(prefix + "name") or "").strip() and prefix + "name" not in self.errors:
            self.add_error(prefix + "name", _("Name the criterion."))
        if cleaned.get(prefix + "weight") is None and prefix + "weight" not in self.errors:
            self.add_error(prefix + "weight", _("Give the criterion a weight from 0 to 1."))

    def row_data(self, index: int) -> dict:
        prefix = f"r{index}-"
        return {
            "name": self.cleaned_data.get(prefix + "name", ""),
            "name_en": self.cleaned_data.get(prefix + "name_en", ""),
            "weight": self.cleaned_data.get(prefix + "weight"),
        }

    def entry(self, index) -> dict:
        return {
            "index": index,
            "id": self[f"r{index}-id"],
            "name": self[f"r{index}-name"],
            "name_en": self[f"r{index}-name_en"],
            "weight": self[f"r{index}-weight"],
            "remove": self[f"r{index}-remove"],
            "saved": bool(self[f"r{index}-id"].value()),
            "cells": [self[self.cell(index, c)] for c in self.columns],
        }


RATING_CHOICES = [("", "—"), *[(str(value), label) for value, label in Rating.choices]]


class RatingGridForm(GridForm):
    """A matrix's product lines (named) and factors, each column rated 5 strong … 1 weak."""

    def __init__(self, data=None, *, ratings: dict, **kwargs):
        self.initial_ratings = ratings
        super().__init__(data, ratings=ratings, **kwargs)

    def add_row_fields(self, index: int, row) -> None:
        prefix = f"r{index}-"
        factor = self.saved_factor(index, row)
        if not factor:
            self.fields[prefix + "name"] = forms.CharField(
                label=_("Product line"), max_length=120, required=False, initial=row.name if row else ""
            )
        for column in self.columns:
            self.fields[self.cell(index, column)] = forms.TypedChoiceField(
                label=str(column),
                required=False,
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                initial=self.initial_ratings.get((row.pk, column.pk)) if row else None,
                widget=forms.Select(attrs={"class": "form-select-sm kam-rating"}),
            )

    def saved_factor(self, index: int, row) -> str:
        """The factor of the saved row at `index` (bound: the posted id's row), or "" for a product line."""
        if row is None and self.data:
            raw = self.data.get(f"r{index}-id") or ""
            row = self.saved.get(int(raw)) if raw.isdigit() else None
        return getattr(row, "factor", "") if row is not None else ""

    def check_row(self, index: int, cleaned) -> None:
        prefix = f"r{index}-"
        if prefix + "name" in self.fields and not (cleaned.get(prefix + "name") or "").strip():
            self.add_error(prefix + "name", _("Name the product line."))

    def row_data(self, index: int) -> dict:
        return {"name": self.cleaned_data.get(f"r{index}-name", "")}

    def entry(self, index) -> dict:
        raw_id = self[f"r{index}-id"].value()
        row = self.saved.get(int(raw_id)) if str(raw_id or "").isdigit() else None
        entry = {
            "index": index,
            "id": self[f"r{index}-id"],
            "remove": self[f"r{index}-remove"],
            "saved": row is not None,
            "row": row,
            "cells": [self[self.cell(index, c)] for c in self.columns],
        }
        if row is None or not row.factor:
            entry["name"] = self[f"r{index}-name"]
        return entry

    def split_table(self) -> tuple[list[dict], list[dict]]:
        """(product lines, factors): the page shows the factors under their own heading."""
        entries = self.table()
        return [e for e in entries if "name" in e], [e for e in entries if "name" not in e]
