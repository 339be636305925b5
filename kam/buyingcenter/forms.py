from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.accounts.choices import Currency
from kam.buyingcenter import value
from kam.buyingcenter.choices import BuyingRole, ProcurementStep, SpinKind
from kam.buyingcenter.models import CounterpartPair, SpinPlan, SpinQuestion, SpinStep, Stakeholder
from kam.core.forms import BootstrapFormMixin, VersionedModelForm, style_widgets
from kam.pipeline.choices import Attitude
from kam.pipeline.models import Opportunity

ATTITUDE_HELP = _(
    "A recommends · B supports · C accepts · D doubts · E opposes (+ / − refine). A change is added to the "
    "attitude history with its date; the ↑ / ↓ arrow is computed from the history."
)


class StakeholderForm(VersionedModelForm):
    """A person of the account in the opportunity's buying center (M4.1–M4.3, M4.5)."""

    roles = forms.MultipleChoiceField(
        label=_("Buying roles"),
        choices=BuyingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("What each role weighs and the right it holds: see the table (M4.2)."),
    )
    procurement_steps = forms.TypedMultipleChoiceField(
        label=_("Procurement steps they lead"),
        choices=ProcurementStep.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("The customer's eight steps (M3.1)."),
    )
    attitude = forms.ChoiceField(label=_("Attitude now"), required=False, help_text=ATTITUDE_HELP)
    attitude_observed_on = forms.DateField(
        label=_("Attitude observed on"), required=False, widget=forms.DateInput()
    )
    attitude_note = forms.CharField(label=_("What showed it"), required=False, max_length=300)

    class Meta:
        model = Stakeholder
        fields = [
            "contact",
            "roles",
            "procurement_steps",
            "project_role",
            "relationship_type",
            "relationship_level",
            "concerns",
            "is_coach",
            "is_informant",
            "next_action",
            "next_action_due",
        ]
        widgets = {"concerns": forms.Textarea(attrs={"rows": 2}), "next_action_due": forms.DateInput()}

    field_order = [
        "contact",
        "roles",
        "procurement_steps",
        "project_role",
        "attitude",
        "attitude_observed_on",
        "attitude_note",
    ]

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.opportunity = opportunity  # model validation compares the contact's account with it
        contacts = opportunity.account.contacts.filter(is_active=True).order_by("name")
        if self.instance.pk:
            self.fields["contact"].disabled = True
            self.fields["contact"].queryset = opportunity.account.contacts.filter(pk=self.instance.contact_id)
        else:
            self.fields["contact"].queryset = contacts.exclude(stakeholder_roles__opportunity=opportunity)
            self.fields["contact"].help_text = _("People of %(account)s not yet in this buying center.") % {
                "account": opportunity.account.name
            }
        unknown = [("", _("Unknown — not found out yet"))] if not self.instance.attitude else []
        self.fields["attitude"].choices = unknown + list(Attitude.choices)
        self.fields["attitude"].initial = self.instance.attitude
        self.fields["attitude_observed_on"].initial = timezone.localdate()
        self.fields["relationship_level"].help_text = _(
            "Greetings → facts → shared opinions → interests → values (M4.5)."
        )
        self.fields["relationship_type"].help_text = _("Personal closeness × business closeness (M4.5).")


class PhaseWeightsForm(BootstrapFormMixin, forms.Form):
    """The weights of one phase for the whole buying center at once (M4.3): they must total 100 %."""

    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, stakeholders, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholders = list(stakeholders)
        for stakeholder in self.stakeholders:
            self.fields[f"weight_{stakeholder.pk}"] = forms.IntegerField(
                label=stakeholder.contact.name,
                min_value=0,
                max_value=100,
                required=False,
                initial=current.get(stakeholder.pk),
                widget=forms.NumberInput(
                    attrs={
                        "class": "text-end kam-weight",
                        "step": 1,
                        "inputmode": "numeric",
                        "min": 0,
                        "max": 100,
                    }
                ),
            )
        self.fields["loaded"].initial = self.signature(current)
        style_widgets(self)  # the mixin styled the fields that existed before these

    @staticmethod
    def signature(weights: dict[int, int | None]) -> str:
        """The weights the editor saw, as "id:percent,…" (to refuse a stale save)."""
        return ",".join(f"{pk}:{value}" for pk, value in sorted(weights.items()) if value is not None)

    def expected(self) -> dict[int, int]:
        pairs = (item.split(":") for item in (self.cleaned_data.get("loaded") or "").split(",") if item)
        try:
            return {int(pk): int(value) for pk, value in pairs}
        except ValueError:
            return {}

    def weights(self) -> dict[int, int | None]:
        return {s.pk: self.cleaned_data.get(f"weight_{s.pk}") for s in self.stakeholders}

    def rows(self):
        """(stakeholder, bound field) pairs for the table."""
        return [(s, self[f"weight_{s.pk}"]) for s in self.stakeholders]


class CounterpartPairForm(VersionedModelForm):
    """One of our people ↔ their counterpart (M4.7)."""

    class Meta:
        model = CounterpartPair
        fields = ["their_person", "our_person", "level", "note"]

    def __init__(self, *args, account, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["their_person"].queryset = account.contacts.order_by("name")
        self.fields["our_person"].queryset = candidates
        self.fields["our_person"].help_text = _("People in your reach and on the account team.")
        self.fields["level"].help_text = _(
            "Pair like with like: our general manager with theirs, our technical manager with theirs (M4.7)."
        )


class ImportFileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_("Columns as in the export. A weight column sets that phase for the whole buying center."),
    )


# --- SPIN planner and value calculator (M4.5, M4.6) ---------------------------------------------------------

VALUE_FIELDS = [
    "value_volume",
    "value_volume_unit",
    "value_per",
    "value_baseline",
    "value_improvement",
    "value_quantity_unit",
    "value_unit_price",
    "value_currency",
    "value_horizon",
]


class SpinQuestionForm(VersionedModelForm):
    class Meta:
        model = SpinQuestion
        fields = ["kind", "text", "text_en", "source", "is_active"]


class SpinPlanForm(VersionedModelForm):
    """One need of one stakeholder: its stage, the FAB that answers it and the value of meeting it."""

    class Meta:
        model = SpinPlan
        fields = [
            "stakeholder",
            "need",
            "need_stage",
            "edge",
            "feature",
            "advantage",
            "benefit",
            *VALUE_FIELDS,
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2}) for name in ("edge", "feature", "advantage", "benefit")
        }

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        people = opportunity.stakeholders.select_related("contact").order_by("contact__name", "id")
        if self.instance.pk:
            self.fields["stakeholder"].disabled = True
            self.fields["stakeholder"].queryset = people.filter(pk=self.instance.stakeholder_id)
        else:
            self.fields["stakeholder"].queryset = people
        self.fields["stakeholder"].label_from_instance = lambda s: s.contact.name
        self.fields["need_stage"].help_text = _(
            "Almost perfect → a little dissatisfied → the problem keeps growing → must change now (M4.5): "
            "ask until the implied need becomes explicit."
        )
        for name in ("value_volume_unit", "value_quantity_unit"):
            self.fields[name].widget.attrs["placeholder"] = {
                "value_volume_unit": "km",
                "value_quantity_unit": "L",
            }[name]

        for name in ("value_volume", "value_per", "value_baseline", "value_improvement", "value_unit_price"):
            if self.initial.get(name) is not None:  # show 5000.00 as typed, 5000
                self.initial[name] = format(Decimal(self.initial[name]).normalize(), "f")


class SpinStepAddForm(BootstrapFormMixin, forms.Form):
    """Add a question of one kind to a plan: pick it from the library or write one."""

    kind = forms.ChoiceField(choices=SpinKind.choices, widget=forms.HiddenInput)
    question = forms.ModelChoiceField(
        label=_("From the library"), queryset=SpinQuestion.objects.none(), required=False
    )
    text = forms.CharField(label=_("Or your own question"), max_length=300, required=False)
    answer = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=f"add-{kind}", initial={"kind": kind}, **kwargs)
        self.kind = kind
        self.fields["question"].queryset = SpinQuestion.objects.filter(kind=kind, is_active=True).order_by(
            "id"
        )
        self.fields["question"].empty_label = _("— choose —")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != self.kind:
            raise forms.ValidationError(_("Add the question in its own column."))
        if not cleaned.get("question") and not (cleaned.get("text") or "").strip():
            self.add_error("question", _("Pick a question from the library or write one."))
        return cleaned


class SpinStepForm(VersionedModelForm):
    """Record the answer; a question written for this plan can be reworded too."""

    class Meta:
        model = SpinStep
        fields = ["text", "text_en", "answer", "answered_on"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 4}), "answered_on": forms.DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.question_id:
            for name in ("text", "text_en"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("From the library: asked as written there.")


class ValueCalculatorForm(BootstrapFormMixin, forms.Form):
    """The value calculator on its own (M4.6): nothing is saved."""

    volume = forms.DecimalField(
        label=_("Activity per month"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("E.g. 5,000 (km driven a month)."),
    )
    volume_unit = forms.CharField(label=_("Unit of activity"), max_length=20, required=False)
    per = forms.DecimalField(
        label=_("Improvement stated per"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        initial=1,
        help_text=_("E.g. 100 (the saving is per 100 km)."),
    )
    baseline = forms.DecimalField(
        label=_("Used today"),
        min_value=0,
        max_digits=14,
        decimal_places=3,
        required=False,
        help_text=_("Per that amount, e.g. 9 (L per 100 km). Optional."),
    )
    improvement = forms.DecimalField(
        label=pgettext_lazy("amount saved", "Saving"),
        min_value=0,
        max_digits=14,
        decimal_places=3,
        help_text=_("Per that amount, e.g. 2 (L per 100 km)."),
    )
    quantity_unit = forms.CharField(label=_("Unit saved"), max_length=20, required=False)
    unit_price = forms.DecimalField(
        label=_("Price per unit"),
        min_value=0,
        max_digits=14,
        decimal_places=4,
        help_text=_("E.g. 5 (yuan per L)."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    horizon = forms.IntegerField(label=_("Horizon (years)"), min_value=1, max_value=50, initial=10)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                value.check(self.inputs())
            except value.InputError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned

    def inputs(self):
        data = self.cleaned_data
        return value.Inputs(
            volume=data["volume"],
            improvement=data["improvement"],
            unit_price=data["unit_price"],
            horizon=data["horizon"],
            per=data["per"],
            baseline=data.get("baseline"),
        )
