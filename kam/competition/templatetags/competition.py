"""Numbers of the evaluation and the matrix as the pages print them."""

from decimal import Decimal

from django import template

from kam.competition.evaluation import format_weight

register = template.Library()

EMPTY = "—"


@register.filter
def exact(value) -> str:
    """A weight or a weighted total without rounding: 4.35, 0.125 (— when there is none)."""
    if value is None or value == "":
        return EMPTY
    return format_weight(Decimal(value))


@register.filter
def signed(value) -> str:
    """A gap with its sign: +1, −2, 0 (weighted gaps keep their decimals: +0.15, −0.10)."""
    if value is None:
        return EMPTY
    value = Decimal(value)
    text = format_weight(abs(value)) if value != value.to_integral_value() else str(abs(int(value)))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "0"


@register.filter
def gap_class(value) -> str:
    if value is None or value == 0:
        return "text-muted"
    return "text-success" if value > 0 else "text-danger"


@register.filter
def rating_class(value) -> str:
    """The heat of a matrix cell: strong is green, weak is red (the heatmap's colours)."""
    return {5: "kam-r5", 4: "kam-r4", 3: "kam-r3", 2: "kam-r2", 1: "kam-r1"}.get(value, "")
