from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackKind(models.TextChoices):
    """The contact indicators of M1.1: praise, complaints and suggestions received from the customer."""

    PRAISE = "praise", _("Praise")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class Perspective(models.TextChoices):
    """The four perspectives of the customer value scorecard (M1.3, 客户价值记分卡)."""

    FINANCIAL = "financial", _("Financial")
    SERVICE = "service", _("Service")
    CUSTOMER = "customer", _("Customer (potential)")
    SALES = "sales", _("Sales")


#: The question each perspective answers (M1.3, slide 12).
PERSPECTIVE_QUESTIONS = {
    "financial": _("What value does this customer create for our company?"),
    "service": _("How do we perform in the customer's eyes?"),
    "customer": _("What is the customer's development potential?"),
    "sales": _("What sales have we achieved?"),
}


class ValueKind(models.TextChoices):
    CURRENT = "current", _("Current value")
    POTENTIAL = "potential", _("Potential value")


class Layer(models.TextChoices):
    """The four classes of the customer value pyramid (M1.2, 客户价值金字塔)."""

    VIP = "vip", _("VIP customers")
    LARGE = "large", _("Large customers")
    MEDIUM = "medium", _("Medium customers")
    SMALL = "small", _("Small customers")


class ValueMeasure(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    PROFIT = "profit", _("Profit (gross margin)")


class PyramidRule(models.TextChoices):
    TOP = "top", _("Share of accounts (top N %)")
    SHARE = "share", _("Cumulative share of value")


class Normalisation(models.TextChoices):
    PERCENTILE = "percentile", _("Percentile rank")
    MINMAX = "minmax", _("Min–max, winsorised")


class TierRule(models.TextChoices):
    TOP = "top", _("Top N percent of the scored accounts")
    SCORE = "score", _("Minimum score")


#: Scorecard indicators (kam.tiering.scorecard.INDICATORS): label and what it measures, in plain words.
INDICATOR_LABELS = {
    "revenue": (_("Revenue"), _("Sales minus returns in the period.")),
    "profit": (_("Profit (gross margin)"), _("Gross margin of the orders minus that of the returns.")),
    "gross_margin_pct": (_("Gross margin %"), _("Profit as a share of the revenue whose cost is known.")),
    "collection_days": (_("Average collection period"), _("Days from invoice to payment; fewer is better.")),
    "debt_ratio_pct": (_("Debt ratio"), _("Share of the period's invoices still unpaid; lower is better.")),
    "praise_pct": (_("Praise share"), _("Praise as a share of all feedback.")),
    "complaint_pct": (_("Complaint share"), _("Complaints as a share of all feedback; lower is better.")),
    "returns_pct": (_("Returns share"), _("Returned amount as a share of sales; lower is better.")),
    "expected_sales": (_("Expected sales"), _("Open opportunities × their stage's win probability.")),
    "revenue_growth_pct": (_("Revenue growth"), _("Revenue against the same number of months before.")),
    "annual_revenue": (_("Annual revenue (company)"), _("The customer's own size, from its archive.")),
    "registered_capital": (_("Registered capital"), _("From the customer archive.")),
    "open_opportunities": (_("Open projects"), _("Open opportunities with this account.")),
    "transactions": (_("Number of transactions"), _("Orders in the period.")),
    "average_deal": (_("Average deal size"), _("Sales ÷ orders.")),
    "largest_deal": (_("Largest single deal"), _("The largest order in the period.")),
    "purchase_cycle_days": (_("Average purchase cycle"), _("Days between orders; fewer is better.")),
    "tenure_days": (_("Relationship tenure"), _("Time since the first order.")),
}

#: The method's policy note per tier, shown when a model leaves its own empty (M1, the five mistakes).
DEFAULT_POLICIES = {
    "platinum": _(
        "Dedicated account team with an executive sponsor and an account plan (M2). Keep them by the value "
        "we create, not by ever deeper discounts (mistake 4)."
    ),
    "gold": _(
        "Regular account reviews; grow the share of wallet where the potential value is high. Volume is not "
        "profit: check the margin before offering more (mistake 3)."
    ),
    "silver": _(
        "Efficient, standardised service. Watch their potential value: today's small customer can be "
        "tomorrow's key account — do not drop the small (mistake 2)."
    ),
}
