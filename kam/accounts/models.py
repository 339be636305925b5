"""The customer archive (M3.6): accounts, their people and org chart (M4.1), and the contact log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.accounts.choices import (
    AccountStatus,
    AccountTeamRole,
    CompanySize,
    Currency,
    InteractionKind,
    LeadSource,
    Ownership,
    RelationshipQuality,
    Tier,
)
from kam.core.i18n import bilingual
from kam.core.models import TimeStampedModel


class Industry(TimeStampedModel):
    """An industry the company sells into (M2.1), named in both languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    #: What its label in a dropdown is made of (fast_select reads these columns, not whole rows).
    choice_label_fields = ("name", "name_en")

    def __str__(self):
        return self.choice_label(self.name, self.name_en)

    @staticmethod
    def choice_label(name: str, name_en: str) -> str:
        return bilingual(name, name_en)


class Account(TimeStampedModel):
    """A customer organisation: the archive the company — not one salesperson — owns."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("External id, e.g. from the ERP; imports match on it."),
    )
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        db_index=False,  # account_industry_name_idx starts with it
        verbose_name=_("industry"),
    )
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True, db_index=True)
    company_size = models.CharField(_("company size"), max_length=12, choices=CompanySize.choices, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    registered_capital = models.DecimalField(
        _("registered capital"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    annual_revenue = models.DecimalField(
        _("annual revenue"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    is_listed = models.BooleanField(_("listed"), default=False)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    lead_source = models.CharField(_("lead source"), max_length=24, choices=LeadSource.choices, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    post_code = models.CharField(_("post code"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent account"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_accounts",
        db_index=False,  # account_owner_name_idx starts with it
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.PROSPECT
    )
    relationship_quality = models.CharField(
        _("relationship quality"), max_length=8, choices=RelationshipQuality.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    #: Written only by kam.tiering's runs (audited there), never by the account form: a run does not bump
    #: `version`, so a recompute never makes someone's open edit stale.
    tier = models.CharField(
        _("tier"), max_length=8, choices=Tier.choices, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="account_name_idx"),
            models.Index(fields=["owner", "name", "id"], name="account_owner_name_idx"),
            models.Index(fields=["industry", "name", "id"], name="account_industry_name_idx"),
            models.Index(fields=["status", "name", "id"], name="account_status_name_idx"),
            models.Index(fields=["-updated_at", "-id"], name="account_updated_idx"),
            models.Index(fields=["tier", "name", "id"], name="account_tier_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.code == "":
            self.code = None
        if self.parent_id and self.pk:
            seen, current = {self.pk}, self.parent
            while current is not None:
                if current.pk in seen:
                    raise ValidationError({"parent": _("An account cannot be its own parent or ancestor.")})
                seen.add(current.pk)
                current = current.parent


class AccountTeamMember(TimeStampedModel):
    """One of our people on an account team, with their role (account manager, presales …)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="team_members", verbose_name=_("account")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_teams",
        db_index=False,  # account_team_user_idx (user, account) answers "the accounts of this person"
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=AccountTeamRole.choices, default=AccountTeamRole.ACCOUNT_MANAGER
    )

    class Meta:
        verbose_name = _("account team member")
        verbose_name_plural = _("account team members")
        ordering = ["account", "role"]
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="account_team_unique_user")]
        indexes = [models.Index(fields=["user", "account"], name="account_team_user_idx")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.account}"


class Contact(TimeStampedModel):
    """A person at the customer; `reports_to` builds the account's org chart (M4.1 step 1)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("External id; imports match on it."),
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("reports to"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    hobbies = models.CharField(_("hobbies"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("still at the account"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["account", "name", "id"]
        indexes = [models.Index(fields=["account", "name"], name="contact_account_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.title})" if self.title else self.name

    def get_absolute_url(self):
        return reverse("accounts:detail", kwargs={"pk": self.account_id}) + "#contacts"

    def clean(self):
        super().clean()
        if self.code == "":
            self.code = None
        if self.reports_to_id:
            if self.reports_to.account_id != self.account_id:
                raise ValidationError({"reports_to": _("The manager must work at the same account.")})
            seen, current = {self.pk}, self.reports_to
            while current is not None:
                if current.pk in seen:
                    raise ValidationError({"reports_to": _("This would make a loop in the org chart.")})
                seen.add(current.pk)
                current = current.reports_to


class Interaction(TimeStampedModel):
    """One entry of the contact log (M3.6): what happened, with whom, and the agreed next step."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("account")
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("External id; imports match on it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_interactions",
        verbose_name=_("responsible"),
        help_text=_("Who of us logged it and owns its next step."),
    )
    our_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="interactions", verbose_name=_("our people")
    )
    their_people = models.ManyToManyField(
        Contact, blank=True, related_name="interactions", verbose_name=_("their people")
    )
    content = models.TextField(_("content"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    next_step_done = models.BooleanField(_("next step done"), default=False)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["account", "-occurred_on"], name="interaction_account_date_idx"),
            models.Index(
                fields=["owner", "next_step_done", "next_step_due"], name="interaction_next_step_idx"
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on} · {self.get_kind_display()} · {self.account}"

    def get_absolute_url(self):
        return reverse("accounts:detail", kwargs={"pk": self.account_id}) + "#log"

    def clean(self):
        super().clean()
        if self.code == "":
            self.code = None
        if self.next_step_due and not self.next_step:
            raise ValidationError({"next_step": _("Say what the next step is, or clear its due date.")})
        if self.next_step_due and self.occurred_on and self.next_step_due < self.occurred_on:
            if self._dates_changed():
                raise ValidationError(
                    {"next_step_due": _("The next step cannot be due before the contact it follows.")}
                )

    def _dates_changed(self) -> bool:
        """New, or its contact date or next step's due date edited: entries saved before the rule existed
        keep their dates when something else changes (ticking the step off)."""
        if self.pk is None:
            return True
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("occurred_on", "next_step_due")
        return stored.first() != (self.occurred_on, self.next_step_due)

    @property
    def next_step_overdue(self) -> bool:
        return bool(
            self.next_step
            and not self.next_step_done
            and self.next_step_due
            and self.next_step_due < timezone.localdate()
        )


class ExchangeRate(TimeStampedModel):
    """What one unit of a currency is worth in the reporting currency (settings.KAM_REPORTING_CURRENCY),
    maintained by administrators: totals of deals quoted in several currencies are converted with it when
    they are read (kam.accounts.money). The reporting currency itself is always 1 and has no row to edit."""

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, unique=True)
    rate = models.DecimalField(
        _("exchange rate"),
        max_digits=14,
        decimal_places=6,
        help_text=_("Units of the reporting currency for one unit of this currency, e.g. 7.100000."),
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("The exchange rate must be greater than 0."),
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.rate}"

    def clean(self):
        super().clean()
        if self.rate is not None and self.rate <= 0:
            raise ValidationError({"rate": _("The exchange rate must be greater than 0.")})
        if self.currency == settings.KAM_REPORTING_CURRENCY:
            raise ValidationError(
                {"currency": _("The reporting currency is always worth 1; it has no exchange rate to set.")}
            )
