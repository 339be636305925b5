from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts import selectors
from kam.accounts.models import Account, AccountTeamMember, Contact, Interaction
from kam.core.forms import BootstrapFormMixin, VersionedModelForm, style_widgets
from kam.core.widgets import AccountLookupWidget


class AccountForm(VersionedModelForm):
    class Meta:
        model = Account
        fields = [
            "name",
            "code",
            "industry",
            "ownership",
            "status",
            "relationship_quality",
            "owner",
            "region",
            "company_size",
            "registered_capital",
            "annual_revenue",
            "currency",
            "is_listed",
            "founded_on",
            "lead_source",
            "parent",
            "address",
            "post_code",
            "phone",
            "fax",
            "email",
            "website",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "founded_on": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.user_list(user=user)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Leave empty to own it yourself.")
        self.fields["industry"].queryset = selectors.industry_list(user=user)
        parents = selectors.account_list(user=user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].widget = AccountLookupWidget()

    def clean_owner(self):
        return self.cleaned_data.get("owner") or (self.instance.owner if self.instance.pk else None)


class ContactForm(VersionedModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "title",
            "department",
            "reports_to",
            "phone",
            "mobile",
            "email",
            "wechat",
            "hobbies",
            "notes",
            "code",
            "is_active",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account  # model validation compares reports_to's account with this one
        managers = account.contacts.order_by("name")
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = managers


class InteractionForm(VersionedModelForm):
    class Meta:
        model = Interaction
        fields = [
            "kind",
            "occurred_on",
            "owner",
            "our_people",
            "their_people",
            "content",
            "next_step",
            "next_step_due",
            "next_step_done",
            "code",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "occurred_on": forms.DateInput(),
            "next_step_due": forms.DateInput(),
            "their_people": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, account: Account, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.interaction_people(user=user, account=account, entry=self.instance)
        self.fields["owner"].queryset = people
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Leave empty to own it yourself.")
        self.fields["our_people"].queryset = people
        self.fields["their_people"].queryset = account.contacts.order_by("name")

    def clean_owner(self):
        return self.cleaned_data.get("owner") or (self.instance.owner if self.instance.pk else None)


class AccountTeamMemberForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = AccountTeamMember
        fields = ["user", "role"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.user_list(user=user)
        self.fields["user"].empty_label = _("Choose a person…")


class ReportsToForm(forms.Form):
    """Re-attach a contact from the org chart."""

    reports_to = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)

    def __init__(self, *args, contact: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports_to"].queryset = contact.account.contacts.exclude(pk=contact.pk)


class ExchangeRatesForm(BootstrapFormMixin, forms.Form):
    """One rate per currency other than the reporting currency (`rows`: selectors.exchange_rate_table),
    each with the version it was loaded at. A rate once set cannot be emptied; an empty field of a
    currency without a rate leaves it without one."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if not row["reporting"]]
        for row in self.rows:
            code, record = row["currency"], row["record"]
            self.fields[f"rate_{code}"] = forms.DecimalField(
                label=row["label"],
                max_digits=14,
                decimal_places=6,
                required=record is not None,
                initial=record.rate if record else None,
            )
            self.fields[f"version_{code}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=record.version if record else None
            )
        style_widgets(self)
        for row in self.rows:
            row["bound"], row["version_bound"] = (
                self[f"rate_{row['currency']}"],
                self[f"version_{row['currency']}"],
            )

    def changes(self) -> list[tuple[str, object, int | None]]:
        """(currency, rate, version loaded) of each rate entered that differs from the stored one."""
        changed = []
        for row in self.rows:
            code, record = row["currency"], row["record"]
            rate = self.cleaned_data.get(f"rate_{code}")
            if rate is None or (record is not None and record.rate == rate):
                continue
            changed.append((code, rate, self.cleaned_data.get(f"version_{code}")))
        return changed

    def add_rate_error(self, code: str, error) -> None:
        """A service's ValidationError for one currency, on that currency's field."""
        messages = []
        if hasattr(error, "error_dict"):
            for field_errors in error.error_dict.values():
                messages.extend(message for e in field_errors for message in e.messages)
        else:
            messages = error.messages
        self.add_error(f"rate_{code}", messages)
