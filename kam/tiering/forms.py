import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.choices import Tier
from kam.accounts.models import Account
from kam.core.forms import BootstrapFormMixin, VersionedModelForm, style_widgets
from kam.core.widgets import AccountLookupWidget
from kam.tiering import scorecard
from kam.tiering.choices import (
    DEFAULT_POLICIES,
    INDICATOR_LABELS,
    PERSPECTIVE_QUESTIONS,
    Normalisation,
    Perspective,
    PyramidRule,
    TierRule,
    ValueKind,
    ValueMeasure,
)
from kam.tiering.indicators import Period
from kam.tiering.models import Feedback, Payment, TieringModel, Transaction


class LedgerForm(VersionedModelForm):
    """A ledger record of one account (the account is not a field: it comes from the page)."""

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account


class TransactionForm(LedgerForm):
    """An order or a return; the gross margin may be given as the cost instead."""

    cost = forms.DecimalField(
        label=_("Cost"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Fill in the cost or the gross margin; the other follows."),
    )

    class Meta:
        model = Transaction
        fields = ["order_no", "ordered_on", "product", "quantity", "amount", "cost", "margin", "is_return"]
        widgets = {"ordered_on": forms.DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.margin is not None:
            self.fields["cost"].initial = self.instance.amount - self.instance.margin

    def clean(self):
        data = super().clean()
        amount, cost, margin = data.get("amount"), data.get("cost"), data.get("margin")
        if amount is not None and cost is not None:
            if margin is not None and margin != amount - cost:
                self.add_error("margin", _("The gross margin is not the amount minus the cost."))
            else:
                data["margin"] = amount - cost
        return data

    def changed_data_dict(self) -> dict:
        data = super().changed_data_dict()
        data.pop("cost", None)
        return data


class PaymentForm(LedgerForm):
    class Meta:
        model = Payment
        fields = ["invoice_no", "invoiced_on", "due_on", "amount", "paid_on"]
        widgets = {
            "invoiced_on": forms.DateInput(),
            "due_on": forms.DateInput(),
            "paid_on": forms.DateInput(),
        }


class FeedbackForm(LedgerForm):
    class Meta:
        model = Feedback
        fields = ["kind", "received_on", "text", "number"]
        widgets = {"received_on": forms.DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False


FORMS = {"transactions": TransactionForm, "payments": PaymentForm, "feedback": FeedbackForm}

_MONTH = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


def parse_month(value: str) -> datetime.date:
    """ "2025-03" or "2025-03-17" → the first day of that month."""
    match = _MONTH.fullmatch(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    return datetime.date(year, month, day).replace(day=1)


class MonthField(forms.CharField):
    """A month as the browser's month input sends it (2025-03); a full date names its month."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "2025-01"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError:
            raise forms.ValidationError(_("Write a month as 2025-01."), code="invalid") from None


class PeriodForm(BootstrapFormMixin, forms.Form):
    """The whole months an indicator covers; blank: the rolling 12 months up to this month."""

    since = MonthField(label=_("From month"), required=False)
    until = MonthField(label=_("To month"), required=False)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        default = Period.rolling(self.today)
        since, until = data.get("since"), data.get("until")
        if "since" in self.errors or "until" in self.errors:
            return data
        if until is None:
            until = max(default.until, since) if since else default.until
        if since is None:
            since = min(Period.rolling(until).since, until)
        if until < since:
            self.add_error("until", _("The period ends before it starts."))
            return data
        if (until.year - since.year) * 12 + until.month - since.month >= 120:
            self.add_error("since", _("A period is at most ten years."))
            return data
        data["period"] = Period(since, until)
        return data


class AccountPickForm(forms.Form):
    """Pick the account whose indicators to show (from everything the user may see)."""

    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), label=_("Account"), widget=AccountLookupWidget()
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


# Tiering models --------------------------------------------------------------------------------------

_MESSAGES = {
    "range": _("Enter a whole number from %(low)s to %(high)s."),
    "choice": _("Choose one of the options."),
    "three": _("Give three whole numbers."),
    "rising": _("Each cut-off must be larger than the one before: they are cumulative."),
    "falling": _("Platinum needs the highest minimum score, then Gold, then Silver."),
    "perspectives": _("The model needs the four perspectives."),
    "unknown": _("Unknown indicators: %(names)s."),
    "indicator_sum": _("%(perspective)s: the indicator weights add up to %(total)s %%, not 100 %%."),
    "perspective_sum": _("The perspective weights add up to %(total)s %%, not 100 %%."),
    "twice": _("An indicator can be weighed in one perspective only: %(names)s."),
    "no_current": _("At least one weighed perspective must measure current value."),
}


def _form_field(problem: scorecard.Problem) -> str:
    """The form field a problem is shown on (every part of the configuration has one)."""
    parts = problem.field.split(".")
    if parts[0] == "perspectives" and len(parts) == 3:
        name, part = parts[1], parts[2]
        if part == "indicators":
            return "w_" + next(i.key for i in scorecard.INDICATORS.values() if i.perspective == name)
        return f"p_{name}_{part}"
    return {
        "perspectives": "p_financial_weight",
        "pyramid_cutoffs": "pyramid_vip",
        "tier_cutoffs": "tier_platinum",
    }.get(problem.field, problem.field)


def _message(problem: scorecard.Problem) -> str:
    code, params = problem.code, problem.params
    if code == "range":
        return _MESSAGES["range"] % {"low": params[0], "high": params[1]}
    if code in ("unknown", "twice"):
        return _MESSAGES[code] % {"names": params[0]}
    if code == "sum" and problem.field.endswith(".indicators"):
        label = Perspective(problem.field.split(".")[1]).label
        return _MESSAGES["indicator_sum"] % {"perspective": label, "total": params[0]}
    if code == "sum":
        return _MESSAGES["perspective_sum"] % {"total": params[0]}
    return str(_MESSAGES[code])


def config_errors(config) -> dict[str, list[str]]:
    """A configuration's problems as translated messages, by the form field each is about."""
    errors: dict[str, list[str]] = {}
    for problem in scorecard.check_config(config if isinstance(config, dict) else {}):
        errors.setdefault(_form_field(problem), []).append(_message(problem))
    return errors


def _whole(label, low: int, high: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=low, max_value=high, **kwargs)


class TieringModelForm(VersionedModelForm):
    """The model's configuration as plain fields — weights per indicator and perspective, the pyramid's and
    the tiers' cut-offs, a policy per tier — assembled into `config` and checked by the scorecard itself,
    each problem shown on the field it is about."""

    period_months = _whole(_("Months scored"), 1, 36, help_text=_("The period ends with the as-of month."))
    value_measure = forms.ChoiceField(
        label=_("Rank value by"),
        choices=ValueMeasure.choices,
        help_text=_("For the Pareto curve and pyramid."),
    )
    pyramid_rule = forms.ChoiceField(label=_("Pyramid cut-offs by"), choices=PyramidRule.choices)
    pyramid_vip = _whole(_("VIP up to %"), 1, 100)
    pyramid_large = _whole(_("Large up to %"), 1, 100)
    pyramid_medium = _whole(_("Medium up to %"), 1, 100)
    normalisation = forms.ChoiceField(label=_("Normalisation"), choices=Normalisation.choices)
    winsor_pct = _whole(
        _("Winsorise at %"),
        0,
        25,
        help_text=_("Min–max only: values beyond this share at each end are capped."),
    )
    tier_rule = forms.ChoiceField(label=_("Tiers by"), choices=TierRule.choices)
    tier_platinum = _whole(_("Platinum"), 1, 100)
    tier_gold = _whole(_("Gold"), 1, 100)
    tier_silver = _whole(_("Silver"), 1, 100)

    class Meta:
        model = TieringModel
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = self.instance.config if self.instance.pk else scorecard.DEFAULT_CONFIG
        perspectives = config.get("perspectives", {})
        for name in scorecard.PERSPECTIVES:
            spec = perspectives.get(name, {})
            self.fields[f"p_{name}_weight"] = _whole(
                Perspective(name).label, 0, 100, initial=spec.get("weight", 0)
            )
            self.fields[f"p_{name}_value"] = forms.ChoiceField(
                label=_("Counts toward"), choices=ValueKind.choices, initial=spec.get("value", "current")
            )
            for indicator in scorecard.INDICATORS.values():
                if indicator.perspective == name:
                    label, help_text = INDICATOR_LABELS[indicator.key]
                    self.fields[f"w_{indicator.key}"] = _whole(
                        label,
                        0,
                        100,
                        initial=spec.get("indicators", {}).get(indicator.key, 0),
                        help_text=help_text,
                    )
        for tier in scorecard.TIERS:
            self.fields[f"policy_{tier}"] = forms.CharField(
                label=Tier(tier).label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": DEFAULT_POLICIES[tier]}),
                initial=config.get("policies", {}).get(tier, ""),
                help_text=_("Empty: the method's note is shown."),
            )
        cutoffs = {
            "pyramid": (("vip", "large", "medium"), config.get("pyramid_cutoffs", [])),
            "tier": (("platinum", "gold", "silver"), config.get("tier_cutoffs", [])),
        }
        for prefix, (names, values) in cutoffs.items():
            for name, value in zip(names, values, strict=False):
                self.fields[f"{prefix}_{name}"].initial = value
        for name in (
            "period_months",
            "value_measure",
            "pyramid_rule",
            "normalisation",
            "winsor_pct",
            "tier_rule",
        ):
            self.fields[name].initial = config.get(name)
        style_widgets(self)

    def perspective_fields(self) -> list[dict]:
        """The perspectives with their fields, for the template (one fieldset each)."""
        return [
            {
                "name": name,
                "label": Perspective(name).label,
                "question": PERSPECTIVE_QUESTIONS[name],
                "weight": self[f"p_{name}_weight"],
                "value": self[f"p_{name}_value"],
                "indicators": [
                    self[f"w_{i.key}"] for i in scorecard.INDICATORS.values() if i.perspective == name
                ],
            }
            for name in scorecard.PERSPECTIVES
        ]

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in self.fields if name not in ("name", "description")):
            return data
        config = {
            "period_months": data["period_months"],
            "value_measure": data["value_measure"],
            "pyramid_rule": data["pyramid_rule"],
            "pyramid_cutoffs": [data["pyramid_vip"], data["pyramid_large"], data["pyramid_medium"]],
            "normalisation": data["normalisation"],
            "winsor_pct": data["winsor_pct"],
            "perspectives": {
                name: {
                    "weight": data[f"p_{name}_weight"],
                    "value": data[f"p_{name}_value"],
                    "indicators": {
                        i.key: data[f"w_{i.key}"]
                        for i in scorecard.INDICATORS.values()
                        if i.perspective == name and data[f"w_{i.key}"]
                    },
                }
                for name in scorecard.PERSPECTIVES
            },
            "tier_rule": data["tier_rule"],
            "tier_cutoffs": [data["tier_platinum"], data["tier_gold"], data["tier_silver"]],
            "policies": {tier: data[f"policy_{tier}"].strip() for tier in scorecard.TIERS},
        }
        for field, messages in config_errors(config).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        data["config"] = config
        return data

    def _post_clean(self):
        """clean() has checked the configuration field by field; the model's own check (for the API and the
        services) would report the same problems under `config`, which this form shows as fields. So the
        model validates only a configuration that passed."""
        if self.errors:
            return
        self.instance.config = self.cleaned_data["config"]
        super()._post_clean()

    def changed_data_dict(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "description", "config")}


class RecomputeForm(BootstrapFormMixin, forms.Form):
    """Recompute on the data as of a day (default today): the period is the model's months up to it."""

    as_of = forms.DateField(
        label=_("Data as of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["as_of"].initial = today

    def clean_as_of(self):
        value = self.cleaned_data["as_of"] or self.today
        if value > self.today:
            raise forms.ValidationError(_("The data cannot be as of a day in the future."))
        return value
