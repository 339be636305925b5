from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadRole(models.TextChoices):
    """Who on our side leads a stage (M3.5, internal division of labour)."""

    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    PRESALES = "presales", _("Presales engineer")
    SENIOR_MANAGEMENT = "senior_management", _("Senior management")
    COMMERCIAL = "commercial", _("Commercial department")


class AidSource(models.TextChoices):
    """Who provides a sales aid (M3.4)."""

    COMPANY = "company", _("Company-provided")
    CONSULTANT = "consultant", _("Sales consultant")
    PRESALES = "presales", _("Presales")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    ABANDONED = "abandoned", _("Abandoned")


class Attitude(models.TextChoices):
    """A key influencer's attitude (M2.6): A recommends … E opposes, refined with + / −."""

    A_PLUS = "A+", _("A+ recommends strongly")
    A = "A", _("A recommends")
    A_MINUS = "A-", _("A− recommends")
    B_PLUS = "B+", _("B+ supports strongly")
    B = "B", _("B supports")
    B_MINUS = "B-", _("B− supports")
    C_PLUS = "C+", _("C+ accepts")
    C = "C", _("C accepts")
    C_MINUS = "C-", _("C− accepts")
    D_PLUS = "D+", _("D+ doubts")
    D = "D", _("D doubts")
    D_MINUS = "D-", _("D− doubts")
    E_PLUS = "E+", _("E+ opposes")
    E = "E", _("E opposes")
    E_MINUS = "E-", _("E− opposes strongly")
