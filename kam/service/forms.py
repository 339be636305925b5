"""Forms of the service pages. They only validate input; the views pass it to the services."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.core.forms import BootstrapFormMixin
from kam.service.choices import (
    RATING_CHOICES,
    CompanyLevel,
    Depth,
    RequestKind,
    RequestPriority,
    ServiceGap,
    Stage,
)
from kam.service.models import GapAssessment, SatisfactionSurvey


class ImportFileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("Columns as in the export."),
    )


class StageChangeForm(BootstrapFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    changed_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What changed: share of wallet, new contacts, a lost tender …"),
    )


class SpendForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    amount = forms.DecimalField(label=_("Estimated spend"), min_value=0.01, max_digits=16, decimal_places=2)
    source = forms.CharField(label=_("Source of the estimate"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class GridPlacementForm(BootstrapFormMixin, forms.Form):
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=None)
    depth = forms.TypedChoiceField(label=_("Personal depth"), choices=Depth.choices, coerce=int)
    level = forms.ChoiceField(label=_("Company relationship"), choices=CompanyLevel.choices)
    placed_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput)
    note = forms.CharField(label=_("Evidence"), max_length=300, required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = account.contacts.filter(is_active=True).order_by("name")


class LoyaltyReviewForm(BootstrapFormMixin, forms.Form):
    competitor_availability = forms.TypedChoiceField(
        label=_("Competitors' availability"),
        choices=RATING_CHOICES,
        coerce=int,
        help_text=_("1: nobody else can supply them … 5: alternatives everywhere."),
    )
    competitor_attractiveness = forms.TypedChoiceField(
        label=_("Competitors' attractiveness"),
        choices=RATING_CHOICES,
        coerce=int,
        help_text=_("1: the alternatives do not tempt them … 5: very tempting offers."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ContributionForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    referrals = forms.IntegerField(label=_("Referrals"), min_value=0, initial=0)
    joint_projects = forms.IntegerField(label=_("Joint development projects"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SurveyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SatisfactionSurvey
        fields = [
            "surveyed_on",
            "respondent",
            "product_quality",
            "responsiveness",
            "relationship",
            "value_for_money",
            "comment",
        ]
        widgets = {
            "surveyed_on": forms.DateInput,
            "comment": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.Select(choices=RATING_CHOICES) for name in SatisfactionSurvey.ELEMENTS},
        }

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = account.contacts.order_by("name")


class GapForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GapAssessment
        fields = ["assessed_on", "knowledge", "standards", "delivery", "communication", "perception", "note"]
        widgets = {
            "assessed_on": forms.DateInput,
            "note": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.Select(choices=RATING_CHOICES) for name in GapAssessment.GAPS},
        }
        help_texts = {gap.value: gap.label for gap in ServiceGap}


class RequestForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RequestKind.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=RequestPriority.choices, initial="normal")
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ResolveForm(BootstrapFormMixin, forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


def year_choices(today: datetime.date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return list(range(year, year - 6, -1))
