"""The value calculator of M4.6 ("saving fuel = saving money", slide 71), pure: plain values in, plain
values out, no ORM — so it is tested with exact values and hypothesis.

The seller turns an improvement into money the customer can picture:

    saved per month   = activity per month × improvement / per      5,000 km × 2 L / 100 km = 100 L
    value per month   = saved per month × unit price                100 L × 5 yuan = 500 yuan
    value per year    = value per month × 12                        6,000 yuan
    value over N years = value per year × N                         10 years: 60,000 yuan

`per` is the amount of activity the improvement is stated for (2 L *per 100 km*); the baseline — what is
used today per the same amount (9 L per 100 km) — is optional and only adds "today" and the share saved to
the statement. Money is Decimal, rounded to the cent once, per month; the year and the horizon multiply that
rounded figure, so the statement's numbers agree with each other (500 × 12 = 6,000) and the value grows
exactly linearly with the horizon.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MONTHS = 12
MAX_HORIZON = 50


class InputError(ValueError):
    """An input the calculator cannot use; `field` names it (volume, per, improvement …)."""

    def __init__(self, field: str, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Inputs:
    volume: Decimal  # activity per month, e.g. 5,000 (km)
    improvement: Decimal  # saved per `per` units of activity, e.g. 2 (L)
    unit_price: Decimal  # money per unit saved, e.g. 5 (yuan per L)
    horizon: int  # years, e.g. 10
    per: Decimal = Decimal(1)  # the activity the improvement is stated for, e.g. 100 (km)
    baseline: Decimal | None = None  # used today per `per` units of activity, e.g. 9 (L)


@dataclass(frozen=True)
class Value:
    saved_per_month: Decimal
    monthly: Decimal
    yearly: Decimal
    total: Decimal
    baseline_per_month: Decimal | None
    baseline_cost_per_month: Decimal | None
    share: Decimal | None  # improvement / baseline, e.g. 0.2222…

    @property
    def share_percent(self) -> Decimal | None:
        return None if self.share is None else (self.share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def check(inputs: Inputs) -> None:
    """Refuse what would make the value meaningless: negatives, no activity unit, an improvement larger than
    what is used today, a horizon that is not a whole number of years from 1 to 50."""
    for field in ("volume", "improvement", "unit_price", "per"):
        value = getattr(inputs, field)
        if isinstance(value, bool) or not isinstance(value, Decimal | int) or value < 0:
            raise InputError(field, gettext_lazy("Enter a number of 0 or more."))
    if inputs.per <= 0:
        raise InputError("per", gettext_lazy("The improvement is stated per an amount greater than 0."))
    if (
        isinstance(inputs.horizon, bool)
        or not isinstance(inputs.horizon, int)
        or not 1 <= inputs.horizon <= MAX_HORIZON
    ):
        raise InputError("horizon", gettext_lazy("The horizon is a whole number of years from 1 to 50."))
    if inputs.baseline is not None:
        if not isinstance(inputs.baseline, Decimal | int) or inputs.baseline <= 0:
            raise InputError("baseline", gettext_lazy("What is used today is a number greater than 0."))
        if inputs.improvement > inputs.baseline:
            raise InputError(
                "improvement", gettext_lazy("The saving cannot be larger than what is used today.")
            )


def horizon_value(yearly: Decimal, years: int) -> Decimal:
    """The value over `years` years: exactly linear in the horizon."""
    return yearly * years


def compute(inputs: Inputs) -> Value:
    check(inputs)
    volume, per = Decimal(inputs.volume), Decimal(inputs.per)
    saved = volume * Decimal(inputs.improvement) / per
    monthly = (saved * Decimal(inputs.unit_price)).quantize(CENT, ROUND_HALF_UP)
    yearly = monthly * MONTHS
    baseline = baseline_cost = share = None
    if inputs.baseline is not None:
        baseline = volume * Decimal(inputs.baseline) / per
        baseline_cost = (baseline * Decimal(inputs.unit_price)).quantize(CENT, ROUND_HALF_UP)
        share = Decimal(inputs.improvement) / Decimal(inputs.baseline)
    return Value(
        saved_per_month=saved,
        monthly=monthly,
        yearly=yearly,
        total=horizon_value(yearly, inputs.horizon),
        baseline_per_month=baseline,
        baseline_cost_per_month=baseline_cost,
        share=share,
    )


def number(value: Decimal) -> str:
    """5000 → "5,000", 2.50 → "2.5", 0.125 → "0.125" (grouped, no trailing zeros)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    text = f"{value.quantize(Decimal('0.001'), ROUND_HALF_UP):,f}".rstrip("0")
    return text.rstrip(".")


def amount(value: Decimal, unit: str) -> str:
    """A number with its unit: "100 L" for a Latin unit, "100升" for a Chinese one."""
    text = number(value)
    if not unit:
        return text
    return f"{text} {unit}" if unit[0].isascii() else f"{text}{unit}"


def money(value: Decimal, currency: str) -> str:
    if currency == "CNY":
        return _("%(amount)s yuan") % {"amount": number(value)}
    return f"{currency} {number(value)}"


def statement(
    inputs: Inputs, value: Value, *, volume_unit: str = "", quantity_unit: str = "", currency: str = "CNY"
) -> str:
    """The one-paragraph value statement, in the active language (M4.6: "saving fuel = saving money")."""
    per = amount(inputs.per, volume_unit) if Decimal(inputs.per) != 1 else (volume_unit or number(inputs.per))
    parts = []
    if value.baseline_per_month is not None:
        parts.append(
            _("Today %(baseline)s per %(per)s over %(volume)s a month uses %(used)s (%(cost)s) a month.")
            % {
                "baseline": amount(inputs.baseline, quantity_unit),
                "per": per,
                "volume": amount(inputs.volume, volume_unit),
                "used": amount(value.baseline_per_month, quantity_unit),
                "cost": money(value.baseline_cost_per_month, currency),
            }
        )
        saving = _("Saving %(improvement)s per %(per)s (%(share)s %%) saves %(saved)s a month") % {
            "improvement": amount(inputs.improvement, quantity_unit),
            "per": per,
            "share": number(value.share_percent),
            "saved": amount(value.saved_per_month, quantity_unit),
        }
    else:
        saving = _("Over %(volume)s a month, saving %(improvement)s per %(per)s saves %(saved)s a month") % {
            "volume": amount(inputs.volume, volume_unit),
            "improvement": amount(inputs.improvement, quantity_unit),
            "per": per,
            "saved": amount(value.saved_per_month, quantity_unit),
        }
    parts.append(
        ngettext(
            "%(saving)s: at %(price)s per %(unit)s that is %(monthly)s a month, %(yearly)s a year and "
            "%(total)s over %(years)d year.",
            "%(saving)s: at %(price)s per %(unit)s that is %(monthly)s a month, %(yearly)s a year and "
            "%(total)s over %(years)d years.",
            inputs.horizon,
        )
        % {
            "saving": saving,
            "price": money(inputs.unit_price, currency),
            "unit": quantity_unit or _("unit"),
            "monthly": money(value.monthly, currency),
            "yearly": money(value.yearly, currency),
            "total": money(value.total, currency),
            "years": inputs.horizon,
        }
    )
    return ("" if (get_language() or "").startswith("zh") else " ").join(parts)
