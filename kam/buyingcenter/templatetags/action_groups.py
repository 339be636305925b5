"""My actions' deals in one pass of Python (like the board's cards and the list pages' rows).

25 deals with ~130 actions through the template engine were half of the page's CPU (~13,000 variable
lookups a request); "my actions" has a p99 target at 5,000 open deals (issue 4).
"""

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

GROUP = (
    '<section class="card mb-3" data-testid="action-group">'
    '<div class="card-header d-flex flex-wrap justify-content-between gap-2">'
    '<a href="{}{}/#buying-center" class="fw-semibold">{} {}</a>'
    '<span class="text-muted small">{} · {} {}%{}</span></div>'
    '<ul class="list-group list-group-flush">{}{}</ul></section>'
)
ACTION = (
    '<li class="list-group-item d-flex justify-content-between align-items-start gap-2" data-testid="action">'
    "<div><strong>{}</strong>"
    '<div class="small text-muted">{}</div></div>'
    '<span class="badge text-bg-light text-wrap text-end">{} · {}</span></li>'
)
PLANNED = (
    '<li class="list-group-item d-flex justify-content-between align-items-start gap-2" '
    'data-testid="planned"><div><i aria-hidden="true" class="bi bi-calendar-check"></i> {} '
    '<span class="text-muted">— {}</span></div>'
    '<span class="text-nowrap small {}">{}</span></li>'
)


@register.simple_tag
def action_groups(groups, today):
    """Each deal's card: its actions (rule, facts, section of the method) and the next actions planned,
    those past due in red."""
    detail = reverse("pipeline:detail", args=[0]).removesuffix("0/")
    closes = gettext("closes")
    cards = []
    for group in groups:
        close = ""
        if group.expected_close:
            close = format_html(" · {} {}", closes, localize(group.expected_close))
        actions = format_html_join(
            "", ACTION, ((a.text, a.why, a.rule_label, a.section) for a in group.actions)
        )
        planned = format_html_join(
            "",
            PLANNED,
            (
                (
                    p.next_action,
                    p.name,
                    "text-danger" if p.next_action_due and p.next_action_due < today else "text-muted",
                    localize(p.next_action_due) if p.next_action_due else "",
                )
                for p in group.planned
            ),
        )
        cards.append(
            format_html(
                GROUP,
                detail,
                group.opportunity_id,
                group.number,
                group.name,
                group.account_name,
                group.stage_code,
                floatformat(group.probability, 0),
                close,
                actions,
                planned,
            )
        )
    return mark_safe("".join(cards))
