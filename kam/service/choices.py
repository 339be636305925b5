"""The method's fixed lists for key-account service (METHODOLOGY M5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The five stages of a key-account relationship, plus the lapse (M5.3)."""

    GESTATION = "gestation", _("Gestation")
    INITIAL = "initial", _("Initial")
    MID = "mid", _("Mid")
    HIGH = "high", _("High")
    STRATEGIC = "strategic", _("Strategic")
    INTERRUPTED = "interrupted", _("Interrupted")


#: The ladder a relationship climbs, lowest first (interrupted is off the ladder).
LADDER = [Stage.GESTATION, Stage.INITIAL, Stage.MID, Stage.HIGH, Stage.STRATEGIC]


class Depth(models.IntegerChoices):
    """Personal relationship depth, the grid's 1–5 axis (M5.2)."""

    GREETINGS = 1, _("1 Greetings")
    FACTS = 2, _("2 Facts")
    OPINIONS = 3, _("3 Opinions")
    BEHAVIOUR = 4, _("4 Behaviour")
    VALUES = 5, _("5 Values")


class CompanyLevel(models.TextChoices):
    """Company relationship, the grid's E–A axis (M5.2): E is where it starts, A the top."""

    E = "E", _("E Preference")
    D = "D", _("D Trust")
    C = "C", _("C Value")
    B = "B", _("B Emotion")
    A = "A", _("A Strategy")


class ServiceStep(models.TextChoices):
    """The five steps the company relationship climbs (M5.1)."""

    PREFERENCE = "preference", _("Preference")
    TRUST = "trust", _("Trust")
    VALUE = "value", _("Value")
    LOYALTY = "loyalty", _("Loyalty")
    STRATEGY = "strategy", _("Strategy")


class SatisfactionElement(models.TextChoices):
    """The four elements of satisfaction we survey (M5.1; the choice is explained in docs/service.md)."""

    PRODUCT_QUALITY = "product_quality", _("Product quality")
    RESPONSIVENESS = "responsiveness", _("Service responsiveness")
    RELATIONSHIP = "relationship", _("Relationship")
    VALUE_FOR_MONEY = "value_for_money", _("Value for money")


class ServiceGap(models.TextChoices):
    """The five service gaps (M5.1), in the order they arise between expectation and experience."""

    KNOWLEDGE = "knowledge", _("Knowledge gap: what the customer expects vs what we think they expect")
    STANDARDS = "standards", _("Standards gap: what we think they expect vs our service standards")
    DELIVERY = "delivery", _("Delivery gap: our standards vs the service delivered")
    COMMUNICATION = "communication", _("Communication gap: the service delivered vs what we promised")
    PERCEPTION = "perception", _("Perception gap: the service expected vs the service experienced")


class RequestKind(models.TextChoices):
    REQUEST = "request", _("Service request")
    COMPLAINT = "complaint", _("Complaint")


class RequestPriority(models.TextChoices):
    URGENT = "urgent", _("Urgent (4 h)")
    HIGH = "high", _("High (24 h)")
    NORMAL = "normal", _("Normal (3 days)")
    LOW = "low", _("Low (7 days)")


#: Hours to resolve a request of each priority (the service level agreement).
SLA_HOURS = {
    RequestPriority.URGENT: 4,
    RequestPriority.HIGH: 24,
    RequestPriority.NORMAL: 72,
    RequestPriority.LOW: 168,
}


#: Ratings 1–5 for forms (satisfaction: 1 poor … 5 excellent; gaps: 1 none … 5 wide; competitors: 1 weak …).
RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]
