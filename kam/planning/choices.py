"""The method's vocabulary for strategic planning (M2): the direction of an attractiveness criterion, the
three industry classes (M2.1, slide 18), the five classes of company in a value chain (slide 16), the plan's
status and the three horizons of a customised solution (M2.4, slide 26)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.IntegerChoices):
    """Whether a high score makes an industry more attractive (+) or less (−: competition, difficulty)."""

    POSITIVE = 1, _("+ makes it more attractive")
    NEGATIVE = -1, _("− makes it less attractive")


class IndustryClass(models.TextChoices):
    """Where an industry goes once the matrix has been discussed: the score proposes, a person decides."""

    KEY = "key", _("Key industry")
    POTENTIAL = "potential", _("Potential industry")
    WATCH = "watch", _("Watch industry")


class ValueChainClass(models.IntegerChoices):
    """The five classes of company in a value chain (M2.1, slide 16)."""

    STANDARDS = 1, _("1st class: sets the standards")
    BRAND = 2, _("2nd class: builds the brand")
    SOLUTIONS = 3, _("3rd class: sells service and solutions")
    PRODUCT = 4, _("4th class: differentiates the product (price/performance)")
    PRICE = 5, _("5th class: fights price wars")


class PlanStatus(models.TextChoices):
    """A plan is drafted, approved, and superseded (read-only) when a new version is started."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class Horizon(models.TextChoices):
    """When a measure of the customised solution is launched (M2.4, slide 26)."""

    NOW = "now", _("Act now")
    MID = "mid", _("6–12 months")
    LONG = "long", _("Over a year")


#: What the later horizons ask of the team (slide 26's headings; "act now" says it all).
HORIZON_MOTTOS = {
    Horizon.MID: _("Create the conditions, stay flexible"),
    Horizon.LONG: _("Prepare well, launch at the right time"),
}

#: A measure's profitability, competitive situation and feasibility are each rated 1 (poor) … 5 (good).
RATING_MIN, RATING_MAX = 1, 5
