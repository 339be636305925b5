"""The buying center of an opportunity (M4): who takes part, in which role, how they stand towards us and
how much they weigh in each phase, plus the counterpart pairs of our networking (M4.7), and what to ask each
person about each need — SPIN plans with their FAB and value (M4.5, M4.6)."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kam.accounts.choices import Currency
from kam.buyingcenter.choices import (
    BuyingRole,
    NeedStage,
    PairLevel,
    ProcurementStep,
    ProjectPhase,
    RelationshipLevel,
    RelationshipType,
    SpinKind,
)
from kam.core.i18n import bilingual
from kam.core.models import RestrictedQuerySet, TimeStampedModel
from kam.pipeline.choices import Attitude


def _check_codes(values, allowed: set, field: str, message) -> None:
    if not isinstance(values, list) or len(set(values)) != len(values) or not set(values) <= allowed:
        raise ValidationError({field: message})


class Stakeholder(TimeStampedModel):
    """A contact of the account taking part in one opportunity's buying decision (M4.1–M4.3, M4.5).

    `attitude` is the latest entry of the attitude history, kept in step by the services; it is never
    typed directly, so every change is dated and shows as ↑ / ↓.
    """

    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        on_delete=models.CASCADE,
        related_name="stakeholders",
        verbose_name=_("opportunity"),
    )
    contact = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.CASCADE,
        related_name="stakeholder_roles",
        verbose_name=_("person"),
    )
    roles = models.JSONField(_("buying roles"), default=list, blank=True)
    procurement_steps = models.JSONField(_("procurement steps they lead"), default=list, blank=True)
    project_role = models.CharField(
        _("role in the project"),
        max_length=200,
        blank=True,
        help_text=_("In their words, e.g. “decides the technology choice” (M4.3)."),
    )
    attitude = models.CharField(
        _("attitude"), max_length=2, choices=Attitude.choices, blank=True, editable=False
    )
    relationship_type = models.CharField(
        _("relationship type"), max_length=10, choices=RelationshipType.choices, blank=True
    )
    relationship_level = models.PositiveSmallIntegerField(
        _("personal relationship level"), choices=RelationshipLevel.choices, null=True, blank=True
    )
    concerns = models.TextField(_("what they care about"), blank=True)
    is_coach = models.BooleanField(
        _("coaches us"), default=False, help_text=_("Guides us through their buying process from inside.")
    )
    is_informant = models.BooleanField(
        _("informant"), default=False, help_text=_("Tells us what happens inside (线人).")
    )
    next_action = models.CharField(_("our next action"), max_length=300, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["opportunity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "contact"], name="stakeholder_unique_contact")
        ]

    def __str__(self):
        return f"{self.contact.name} · {self.opportunity.number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("buyingcenter:detail", kwargs={"pk": self.opportunity_id})

    @property
    def audit_account_id(self):
        return self.opportunity.account_id

    def clean(self):
        super().clean()
        if self.contact_id and self.opportunity_id and self.contact.account_id != self.opportunity.account_id:
            raise ValidationError({"contact": _("Pick a person of the opportunity's account.")})
        _check_codes(
            self.roles,
            set(BuyingRole.values),
            "roles",
            _("Choose buying roles from the list, each once."),
        )
        _check_codes(
            self.procurement_steps,
            set(ProcurementStep.values),
            "procurement_steps",
            _("Choose procurement steps from 1 to 8, each once."),
        )
        if self.next_action_due and not self.next_action:
            raise ValidationError({"next_action": _("Say what the next action is, or clear its due date.")})


class AppendOnlyQuerySet(RestrictedQuerySet):
    """History is written once: bulk update and delete are refused like single ones."""

    def update(self, **kwargs):
        raise PermissionDenied("Attitude history cannot be changed.")

    def delete(self):
        raise PermissionDenied("Attitude history cannot be deleted.")


class AttitudeReport(models.Model):
    """One dated observation of a stakeholder's attitude; the list of them is the attitude's history.

    Append-only: a report is never edited or deleted on its own (it goes only with its stakeholder).
    """

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="attitude_history", verbose_name=_("stakeholder")
    )
    attitude = models.CharField(_("attitude"), max_length=2, choices=Attitude.choices)
    observed_on = models.DateField(_("observed on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("attitude report")
        verbose_name_plural = _("attitude history")
        ordering = ["stakeholder", "observed_on", "id"]

    def __str__(self):
        return f"{self.stakeholder_id}: {self.attitude} ({self.observed_on})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Attitude history cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Attitude history cannot be deleted.")

    @property
    def audit_account_id(self):
        return self.stakeholder.opportunity.account_id


class InfluenceWeight(TimeStampedModel):
    """How much a stakeholder weighs in the decision during one phase, in % (M4.3).

    The weights of one opportunity's phase total 100 %; they are set for the whole phase at once.
    """

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="weights", verbose_name=_("stakeholder")
    )
    phase = models.CharField(_("phase"), max_length=12, choices=ProjectPhase.choices)
    percent = models.PositiveSmallIntegerField(_("weight %"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("influence weight")
        verbose_name_plural = _("influence weights")
        ordering = ["stakeholder", "phase"]
        constraints = [models.UniqueConstraint(fields=["stakeholder", "phase"], name="weight_unique_phase")]

    def __str__(self):
        return f"{self.stakeholder_id} · {self.phase}: {self.percent} %"

    @property
    def audit_account_id(self):
        return self.stakeholder.opportunity.account_id


class CounterpartPair(TimeStampedModel):
    """One of our people paired with their counterpart at the account (M4.7 networking)."""

    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="counterpart_pairs",
        verbose_name=_("account"),
    )
    our_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="counterpart_pairs",
        verbose_name=_("our person"),
    )
    their_person = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.CASCADE,
        related_name="counterpart_pairs",
        verbose_name=_("their person"),
    )
    level = models.CharField(_("level"), max_length=12, choices=PairLevel.choices, default=PairLevel.OTHER)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("counterpart pair")
        verbose_name_plural = _("counterpart pairs")
        ordering = ["account", "level", "id"]
        constraints = [
            models.UniqueConstraint(fields=["our_person", "their_person"], name="counterpart_unique_pair")
        ]

    def __str__(self):
        return f"{self.our_person} ↔ {self.their_person.name}"

    def clean(self):
        super().clean()
        if self.their_person_id and self.account_id and self.their_person.account_id != self.account_id:
            raise ValidationError({"their_person": _("Pick a person of this account.")})


# --- SPIN planner and value calculator (M4.5, M4.6) ---------------------------------------------------------


class SpinQuestion(TimeStampedModel):
    """A question of the SPIN library (M4.6), in Chinese and English. Shared reference data: everyone reads
    it, managers and admins keep it. Seeded with the method's standard scripts (slides 71, 73, 74)."""

    kind = models.CharField(_("kind"), max_length=1, choices=SpinKind.choices)
    text = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=80, blank=True, help_text=_("E.g. “M4.6 slide 74”."))
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Only offered questions can be picked.")
    )

    class Meta:
        verbose_name = _("SPIN question")
        verbose_name_plural = _("SPIN library")
        ordering = ["id"]

    def __str__(self):
        return bilingual(self.text, self.text_en)

    @property
    def source_label(self) -> str:
        """The source in the reader's language: the seed's “M4.6 slide 74” reads “M4.6 第 74 页” in Chinese;
        any other text as written."""
        found = SLIDE_SOURCE.fullmatch(self.source.strip())
        if found is None:
            return self.source
        return gettext("%(section)s slide %(slide)s") % {"section": found["section"], "slide": found["slide"]}


#: A source as the seeded library writes it (and the help text suggests): a method section and a slide.
SLIDE_SOURCE = re.compile(r"(?P<section>M[\d.]+)\s+slide\s+(?P<slide>\d+)", re.IGNORECASE)


class SpinPlan(TimeStampedModel):
    """What to ask one stakeholder about one need (M4.6), how far the need has developed (M4.5), the FAB that
    answers it and, optionally, its value in money (the value calculator)."""

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="spin_plans", verbose_name=_("stakeholder")
    )
    need = models.CharField(_("need"), max_length=300, help_text=_("In the customer's words."))
    need_stage = models.PositiveSmallIntegerField(
        _("need stage"), choices=NeedStage.choices, default=NeedStage.SLIGHTLY
    )
    edge = models.TextField(
        _("our competitive advantage"), blank=True, help_text=_("Step 1: what we do that competitors cannot.")
    )
    feature = models.TextField(
        _("feature"), blank=True, help_text=_("F: what the product or service is or has.")
    )
    advantage = models.TextField(_("advantage"), blank=True, help_text=_("A: what that does better."))
    benefit = models.TextField(_("benefit"), blank=True, help_text=_("B: what it is worth to this customer."))
    value_volume = models.DecimalField(
        _("activity per month"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("E.g. 5,000 (km driven a month)."),
    )
    value_volume_unit = models.CharField(_("unit of activity"), max_length=20, blank=True)
    value_per = models.DecimalField(
        _("improvement stated per"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("E.g. 100 (the saving is per 100 km)."),
    )
    value_baseline = models.DecimalField(
        _("used today"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Per that amount, e.g. 9 (L per 100 km). Optional."),
    )
    value_improvement = models.DecimalField(
        _("saving"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Per that amount, e.g. 2 (L per 100 km)."),
    )
    value_quantity_unit = models.CharField(_("unit saved"), max_length=20, blank=True)
    value_unit_price = models.DecimalField(
        _("price per unit"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("E.g. 5 (yuan per L)."),
    )
    value_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    value_horizon = models.PositiveSmallIntegerField(
        _("horizon (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("E.g. 10."),
    )

    class Meta:
        verbose_name = _("SPIN plan")
        verbose_name_plural = _("SPIN plans")
        ordering = ["stakeholder", "id"]

    def __str__(self):
        return f"{self.need} · {self.stakeholder.contact.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("buyingcenter:spin_plan", kwargs={"pk": self.pk})

    @property
    def audit_account_id(self):
        return self.stakeholder.opportunity.account_id

    #: The calculator's inputs on the plan, by the name value.Inputs gives them.
    VALUE_FIELDS = {
        "volume": "value_volume",
        "improvement": "value_improvement",
        "unit_price": "value_unit_price",
        "horizon": "value_horizon",
        "per": "value_per",
        "baseline": "value_baseline",
    }
    REQUIRED_VALUE = ("volume", "improvement", "unit_price", "horizon")

    def value_inputs(self):
        """The calculator's inputs, or None when the plan does not quantify its value."""
        from kam.buyingcenter.value import Inputs

        if any(getattr(self, self.VALUE_FIELDS[name]) is None for name in self.REQUIRED_VALUE):
            return None
        return Inputs(**{name: getattr(self, field) for name, field in self.VALUE_FIELDS.items()})

    def clean(self):
        super().clean()
        from kam.buyingcenter.value import InputError, check

        given = [name for name in self.REQUIRED_VALUE if getattr(self, self.VALUE_FIELDS[name]) is not None]
        if given and len(given) < len(self.REQUIRED_VALUE):
            missing = [n for n in self.REQUIRED_VALUE if n not in given]
            raise ValidationError(
                {
                    self.VALUE_FIELDS[n]: _("Needed to compute the value (or clear the other value fields).")
                    for n in missing
                }
            )
        inputs = self.value_inputs()
        if inputs is not None:
            try:
                check(inputs)
            except InputError as error:
                raise ValidationError({self.VALUE_FIELDS[error.field]: error.message}) from error
        elif self.value_baseline is not None:
            raise ValidationError(
                {"value_baseline": _("Fill in the other value fields too, or clear this one.")}
            )


class SpinStep(TimeStampedModel):
    """One question of a SPIN plan and the answer the stakeholder gave. The text is copied from the library
    when picked, so the plan keeps what was asked even if the library is edited later."""

    plan = models.ForeignKey(
        SpinPlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("SPIN plan")
    )
    kind = models.CharField(_("kind"), max_length=1, choices=SpinKind.choices)
    question = models.ForeignKey(
        SpinQuestion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asked",
        verbose_name=_("from the library"),
    )
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("SPIN question asked")
        verbose_name_plural = _("SPIN questions asked")
        ordering = ["plan", "id"]

    def __str__(self):
        return f"{self.kind}: {bilingual(self.text, self.text_en)}"

    @property
    def shown_text(self) -> str:
        return bilingual(self.text, self.text_en)

    @property
    def audit_account_id(self):
        return self.plan.stakeholder.opportunity.account_id

    def clean(self):
        super().clean()
        if self.question_id and self.question.kind != self.kind:
            raise ValidationError({"question": _("Pick a question of the same kind.")})
        if self.answered_on and not self.answer.strip():
            raise ValidationError({"answer": _("Write the answer, or clear its date.")})


class CodepointOrder(models.Func):
    """Text compared by code point, as Python compares str: the "C" collation on PostgreSQL (whatever the
    database's default); SQLite's default collation (BINARY, UTF-8 bytes) already is."""

    template = '%(expressions)s COLLATE "C"'
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.get_source_expressions()[0])


class DealActions(models.Model):
    """The rules' outcome for one open opportunity (M4.3–M4.4), kept so that "my actions" reads thousands
    of deals in one query instead of running the rules on every buying center at every request.

    Derived data, never edited: `kam.buyingcenter.action_store` recomputes a row when it is missing, when the
    opportunity's version or owner moved on, or from `valid_until` (the day a "keep in touch" action newly
    fires); writes to its inputs (the opportunity itself, handovers, people, weights, contacts, contact log,
    pairs, stages) delete the rows they touch. Filed under the deal's owner with the list's sort key, so
    that a page of one member's list is a range of one index.
    """

    opportunity = models.OneToOneField(
        "pipeline.Opportunity", on_delete=models.CASCADE, primary_key=True, related_name="action_digest"
    )
    opportunity_version = models.PositiveIntegerField()
    #: The deal's owner and expected close when computed (copies, so that a member's page is read in order
    #: from one index; a change of either bumps the opportunity's version, which makes the row stale).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expected_close = models.DateField(null=True)
    computed_on = models.DateField()
    valid_until = models.DateField(null=True)
    #: The first action's sort key (rules.Action.sort_key); priority len(rules.PRIORITY) when there is none.
    priority = models.PositiveSmallIntegerField()
    first_weight = models.PositiveSmallIntegerField(default=0)
    first_name = models.CharField(max_length=200, blank=True)
    first_stakeholder = models.BigIntegerField(default=0)
    #: The rules that give at least one action, one bit each (rules.RULE_BITS): counted and filtered on
    #: thousands of rows per request, where a JSON list would be parsed row by row.
    fires = models.PositiveSmallIntegerField(default=0)
    planned_count = models.PositiveIntegerField(default=0)
    actions = models.JSONField(default=list)
    planned = models.JSONField(default=list)

    class Meta:
        verbose_name = _("rules' outcome of a deal")
        verbose_name_plural = _("rules' outcomes of deals")
        indexes = [
            # "My actions" in its order (action_store.ORDER), only the deals that need something: a page is
            # the first rows of the owner's range.
            models.Index(
                "owner",
                "priority",
                models.F("first_weight").desc(),
                CodepointOrder("first_name"),
                "first_stakeholder",
                "expected_close",
                "opportunity",
                name="bc_dealactions_owner_order",
                condition=models.Q(fires__gt=0) | models.Q(planned_count__gt=0),
            )
        ]

    def __str__(self):
        return f"{self.opportunity_id} · {self.priority}"
