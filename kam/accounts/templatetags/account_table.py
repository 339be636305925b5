"""The account list's rows in one pass of Python.

Fifty rows through the template engine were a third of the list page's CPU (eight cells each, a URL
reversed per row, a badge include per row); the page is the most used one, at up to a million accounts.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from kam.accounts.choices import Tier
from kam.tiering.templatetags.tiering import TIER_STYLE

register = template.Library()

ROW = (
    '<tr><td><a href="{}{}/">{}</a></td>'
    '<td class="text-muted">{}</td>'
    '<td class="d-none d-md-table-cell">{}</td>'
    '<td class="d-none d-lg-table-cell">{}</td>'
    '<td><span class="badge text-bg-light">{}</span></td>'
    "<td>{}</td>"
    '<td class="d-none d-md-table-cell">{}</td>'
    '<td class="d-none d-lg-table-cell small text-muted">{}</td></tr>'
)


def _tier_badges() -> dict[str, str]:
    """The tier badge of tiering's tier_badge tag, per tier, in the active language."""
    badge = '<span class="badge {}" data-tier="{}">{}</span>'
    return {tier.value: format_html(badge, TIER_STYLE[tier.value], tier.value, tier.label) for tier in Tier}


@register.simple_tag
def account_rows(accounts):
    """The <tr> of each account of a list page (the columns of accounts/partials/_account_table.html)."""
    if not accounts:
        return ""
    detail = reverse("accounts:detail", args=[0]).removesuffix("0/")
    badges = _tier_badges()
    return format_html_join(
        "",
        ROW,
        (
            (
                detail,
                account.pk,
                account.name,
                account.code or "",
                account.industry or "",
                account.region,
                account.get_status_display(),
                badges.get(account.tier, ""),
                account.owner,
                timezone.localtime(account.updated_at).strftime("%Y-%m-%d") if account.updated_at else "",
            )
            for account in accounts
        ),
    )
