from django.db import models
from django.utils.translation import gettext_lazy as _


class Ownership(models.TextChoices):
    """Ownership type of a customer company (M3.6, M3.8)."""

    STATE_OWNED = "state_owned", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    FOREIGN_OWNED = "foreign_owned", _("Foreign-owned")
    LISTED = "listed", _("Listed company")
    GOVERNMENT = "government", _("Government / public institution")
    OTHER = "other", _("Other")


class LeadSource(models.TextChoices):
    """Where the account came from (M3.6 customer archive, M3.8 sources)."""

    AD_RESPONSE = "ad_response", _("Advertising response")
    TRADE_SHOW = "trade_show", _("Trade show")
    CUSTOMER_REFERRAL = "customer_referral", _("Referral by a customer")
    INBOUND = "inbound", _("Inbound / walk-in")
    PROSPECTING = "prospecting", _("Proactive prospecting")
    INDUSTRY_CONFERENCE = "industry_conference", _("Industry conference")
    ADD_ON_PURCHASE = "add_on_purchase", _("Add-on purchase")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Under 50 employees")
    SMALL = "small", _("50–249 employees")
    MEDIUM = "medium", _("250–999 employees")
    LARGE = "large", _("1,000–4,999 employees")
    ENTERPRISE = "enterprise", _("5,000 employees or more")


class AccountStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active customer")
    DORMANT = "dormant", _("Dormant")
    CLOSED = "closed", _("Closed")


class AccountTeamRole(models.TextChoices):
    """Our people's roles on an account team (M3.5 division of labour)."""

    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    PRESALES = "presales", _("Presales engineer")
    SERVICE = "service", _("Service / delivery")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")
    COMMERCIAL = "commercial", _("Commercial department")
    OTHER = "other", _("Other")


class InteractionKind(models.TextChoices):
    """Kinds of contact in the contact log (M3.6); the first five feed the activity funnel (M3.7)."""

    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    TECHNICAL_EXCHANGE = "technical_exchange", _("Technical exchange")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    EVENT = "event", _("Event / hospitality")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class Currency(models.TextChoices):
    CNY = "CNY", "CNY ¥"
    USD = "USD", "USD $"
    EUR = "EUR", "EUR €"
    HKD = "HKD", "HKD $"


class RelationshipQuality(models.TextChoices):
    """How good our relationship with the customer is (M3.8 sales-status analysis)."""

    GOOD = "good", _("Good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class Tier(models.TextChoices):
    """The key-account tier of M1 (三大标准 → 白金卡 / 金卡 / 银卡). Set only by a tiering run (kam.tiering);
    blank: not a key account (or not tiered yet)."""

    PLATINUM = "platinum", _("Platinum")
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
