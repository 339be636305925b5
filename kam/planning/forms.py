"""Forms of planning: the matrix's criteria, industries, class rule and one cell; industry profiles and
business lines; an account plan, its measures and its resources."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.forms import BootstrapFormMixin, VersionedModelForm
from kam.planning.choices import PlanStatus
from kam.planning.models import (
    AccountPlan,
    BusinessLine,
    ClassRule,
    Criterion,
    IndustryProfile,
    IndustryRow,
    Measure,
    Resource,
)

_TEXT = {"rows": 3}


class CriterionForm(VersionedModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "name_en", "direction", "weight", "scale_max", "position"]


class IndustryRowAddForm(BootstrapFormMixin, forms.Form):
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=None)

    def __init__(self, *args, industries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = industries


class IndustryRowForm(VersionedModelForm):
    """The printed total to check, and the class a person decides with the reason."""

    class Meta:
        model = IndustryRow
        fields = ["printed_total", "override_class", "override_reason"]
        labels = {"override_class": _("Class decided (empty: take the suggestion)")}
        widgets = {"override_reason": forms.Textarea(attrs=_TEXT)}


class ClassRuleForm(VersionedModelForm):
    class Meta:
        model = ClassRule
        fields = ["key_percent", "potential_percent"]


class CellForm(forms.Form):
    """One cell edited in place: a score, or empty to clear it."""

    value = forms.DecimalField(
        label=_("Score"), required=False, min_value=Decimal(0), max_digits=5, decimal_places=2
    )


class ImportFileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("Columns as in the export."),
    )


class ProfileForm(VersionedModelForm):
    class Meta:
        model = IndustryProfile
        fields = [
            "market_size",
            "market_size_unit",
            "year",
            "growth_percent",
            "segments",
            "key_businesses",
            "key_buying_factors",
            "notes",
        ]
        widgets = {
            name: forms.Textarea(attrs=_TEXT)
            for name in ("segments", "key_businesses", "key_buying_factors", "notes")
        }


class BusinessLineForm(VersionedModelForm):
    class Meta:
        model = BusinessLine
        fields = ["name", "name_en", "value_chain_class", "usp", "notes"]
        widgets = {"usp": forms.Textarea(attrs=_TEXT), "notes": forms.Textarea(attrs=_TEXT)}


PLAN_SECTIONS = [
    ("industry", _("1 Industry analysis"), ["industry_notes"]),
    ("competition", _("2 Competition analysis"), ["competition_notes"]),
    (
        "needs",
        _("3 Personalised needs"),
        ["business", "development_goals", "decision_process", "latent_needs"],
    ),
    ("solution", _("4 Customised solution"), ["solution_notes"]),
    ("service", _("5 Service-support capability"), ["service_notes"]),
    ("customer", _("6 Customer plan"), ["communication_plan", "solution_milestones"]),
]


class PlanForm(VersionedModelForm):
    """The plan's header (owner, status, review date) and the text of its six steps."""

    class Meta:
        model = AccountPlan
        fields = [
            "owner",
            "status",
            "review_date",
            *[name for _key, _title, names in PLAN_SECTIONS for name in names],
        ]
        widgets = {
            "review_date": forms.DateInput(),
            **{name: forms.Textarea(attrs=_TEXT) for _k, _t, names in PLAN_SECTIONS for name in names},
        }

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["status"].choices = [c for c in PlanStatus.choices if c[0] != PlanStatus.SUPERSEDED]

    def sections(self):
        return [(key, title, [self[name] for name in names]) for key, title, names in PLAN_SECTIONS]


class MeasureForm(VersionedModelForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "horizon",
            "profitability",
            "competitive_situation",
            "feasibility",
            "position",
        ]
        widgets = {"description": forms.Textarea(attrs=_TEXT)}


class ResourceForm(VersionedModelForm):
    class Meta:
        model = Resource
        fields = [
            "role",
            "people_committed",
            "people_promised",
            "hours_committed",
            "hours_promised",
            "budget_committed",
            "budget_promised",
        ]
