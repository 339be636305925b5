"""Labels of the service pages' codes (reasons, loyalty factors, risk signs, steps) and small formatters."""

from django import template
from django.utils.translation import gettext_lazy as _

from kam.service.choices import ServiceStep, Stage

register = template.Library()

LABELS = {
    "factor": {
        "retention": _("Retention (revenue kept from the 12 months before)"),
        "share_of_wallet": _("Share of wallet"),
        "referrals": _("Referrals (this and last year)"),
        "competitor_availability": _("Competitors' availability"),
        "competitor_attractiveness": _("Competitors' attractiveness"),
    },
    "risk": {
        "falling": _("Falling loyalty score"),
        "interrupted": _("Interrupted relationship"),
        "complaints": _("Rising complaints"),
    },
    "band": {"loyal": _("Loyal"), "neutral": _("Middling"), "at_risk": _("Low loyalty")},
    "step": dict(ServiceStep.choices),
    "stage": dict(Stage.choices),
}


@register.filter
def service_label(code, kind: str):
    """The translated label of `code` in one of LABELS' lists (the code itself when unknown)."""
    return LABELS.get(kind, {}).get(code, code)


@register.filter
def signed(value):
    """A number with its sign: +12.5, −7.5, 0.0."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else (f"−{-value}" if value < 0 else f"{value}")
