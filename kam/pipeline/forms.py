from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts import selectors as account_selectors
from kam.accounts.choices import InteractionKind
from kam.core.forms import BootstrapFormMixin, VersionedModelForm
from kam.core.widgets import AccountLookupWidget
from kam.pipeline import selectors
from kam.pipeline.choices import Attitude, OpportunityStatus
from kam.pipeline.models import Opportunity, ProgressReport, Stage


class OpportunityForm(VersionedModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "account",
            "process",
            "name",
            "goal",
            "amount",
            "currency",
            "expected_close",
            "owner",
            "competitors",
            "product_lines",
            "lead_source",
            "next_step",
            "next_step_due",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "expected_close": forms.DateInput(),
            "next_step_due": forms.DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = account_selectors.account_list(user=user, action="change")
        self.fields["account"].widget = AccountLookupWidget()
        self.fields["owner"].queryset = account_selectors.user_list(user=user)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Leave empty to own it yourself.")
        if self.instance.pk:
            self.fields["account"].disabled = True
        self._choose_process(user)

    def _choose_process(self, user):
        """A new opportunity picks its process (e.g. per business line) when there is more than one;
        an existing one keeps the process it started on."""
        processes = selectors.process_list(user=user).filter(stages__isnull=False).distinct()
        if self.instance.pk or len(processes) < 2:
            del self.fields["process"]
            return
        self.fields["process"].queryset = processes
        self.fields["process"].empty_label = None
        self.fields["process"].initial = next((p.pk for p in processes if p.is_default), processes[0].pk)
        self.fields["process"].help_text = _("Its stages, criteria and probabilities; kept for good.")

    def clean_owner(self):
        return self.cleaned_data.get("owner") or (self.instance.owner if self.instance.pk else None)


class MoveForm(BootstrapFormMixin, forms.Form):
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), label=_("Move to stage"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when exit criteria are not met."),
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        stages = list(opportunity.process.stages.order_by("order"))
        self.fields["stage"].queryset = opportunity.process.stages.order_by("order")
        later = [s for s in stages if s.order > opportunity.stage.order]
        self.fields["stage"].initial = (later[0] if later else opportunity.stage).pk  # the usual move: on


class CloseForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Close as"),
        choices=[
            (OpportunityStatus.LOST, OpportunityStatus.LOST.label),
            (OpportunityStatus.ABANDONED, OpportunityStatus.ABANDONED.label),
        ],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    winning_competitor = forms.CharField(label=_("Competitor who won"), required=False, max_length=120)


class ProgressReportForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = [
            "report_date",
            "goal",
            "breakthroughs",
            "next_steps",
            "competitor",
            "progress",
            "manager_assessment",
        ]
        widgets = {
            "report_date": forms.DateInput(),
            "goal": forms.Textarea(attrs={"rows": 2}),
            "breakthroughs": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "manager_assessment": forms.Textarea(attrs={"rows": 2}),
            "progress": forms.NumberInput(
                attrs={"type": "range", "min": -5, "max": 5, "step": 1, "class": "form-range"}
            ),
        }


class InfluencerForm(BootstrapFormMixin, forms.Form):
    """A key influencer of the report; a row left blank (no attitude chosen either) is no one."""

    department = forms.CharField(label=_("Department"), required=False, max_length=100)
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Title"), required=False, max_length=100)
    attitude = forms.ChoiceField(label=_("Attitude now"), choices=[("", "—"), *Attitude.choices])


InfluencerFormSet = forms.formset_factory(InfluencerForm, extra=3, max_num=20, validate_max=True)


class BenchmarkStepForm(BootstrapFormMixin, forms.Form):
    """One step of the activity-funnel benchmark; a row left blank is no step."""

    kind = forms.ChoiceField(
        label=_("Contact kind"), choices=[("", "—"), *InteractionKind.choices], required=False
    )
    number = forms.IntegerField(label=_("Benchmark number"), min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("kind")) != bool(data.get("number")):
            raise forms.ValidationError(_("Give both the kind and its number, or leave the row empty."))
        return data


BenchmarkStepFormSet = forms.formset_factory(
    BenchmarkStepForm, extra=2, max_num=len(InteractionKind), validate_max=True
)
