"""Showing indicator values (one without a value — no orders, no payments … — reads "—", not 0), scores
and tiers."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html

from kam.accounts.choices import Tier
from kam.tiering.choices import Layer
from kam.tiering.pyramid import LAYERS
from kam.tiering.scorecard import CODE_TIER

register = template.Library()
NONE = "—"


@register.filter
def money(value):
    return NONE if value is None else floatformat(value, "2g")


@register.filter
def percent(value):
    return NONE if value is None else f"{floatformat(value, 1)}%"


@register.filter
def days(value):
    return NONE if value is None else floatformat(value, "-1g")


@register.filter
def years(days_count):
    """Tenure in days as years, one decimal (365.25 days a year)."""
    return NONE if days_count is None else floatformat(days_count / 365.25, 1)


@register.filter
def cents(value):
    """Money stored in whole cents (results, summaries) as the money filter shows it."""
    return NONE if value is None else floatformat(Decimal(value).scaleb(-2), "2g")


@register.filter
def points(value):
    """A score kept in tenths of a point (0–1000) as points with one decimal."""
    return NONE if value is None else floatformat(Decimal(value).scaleb(-1), 1)


TIER_STYLE = {"platinum": "text-bg-dark", "gold": "text-bg-warning", "silver": "text-bg-secondary"}


@register.simple_tag
def tier_badge(tier):
    """Platinum / Gold / Silver as a badge; a tier code (3–0) or name; nothing for "no tier".
    Also called from Python (the account list's rows)."""
    if isinstance(tier, int):
        tier = CODE_TIER[tier]
    if not tier:
        return ""
    return format_html(
        '<span class="badge {}" data-tier="{}">{}</span>', TIER_STYLE.get(tier, ""), tier, Tier(tier).label
    )


@register.filter
def layer_label(index):
    """A pyramid layer index (0 VIP … 3 small, -1 none) in words."""
    return Layer(LAYERS[index]).label if index is not None and index >= 0 else NONE
