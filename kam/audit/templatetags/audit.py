from django import template

from kam.audit.presentation import change_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_rows(context, changes):
    """The entries with their field changes in the reader's language (see kam.audit.presentation)."""
    return change_rows(changes, user=context["request"].user)
