"""The sidebar, laid out by the method: Accounts · Pipeline · Planning · Tiering · Service."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

#: (section, [(label, url name, icon)]) — later issues add their sections here as they land.
SIDEBAR = [
    (
        _("Accounts"),
        [
            (_("Dashboard"), "home", "speedometer2"),
            (_("Accounts"), "accounts:list", "buildings"),
            (_("Contacts"), "accounts:contact_list", "person-lines-fill"),
            (_("Contact log"), "accounts:interaction_list", "chat-left-text"),
            (_("My next steps"), "accounts:next_steps", "check2-square"),
        ],
    ),
    (
        _("Pipeline"),
        [
            (_("Opportunities"), "pipeline:list", "briefcase"),
            (_("Board"), "pipeline:board", "kanban"),
            (_("Funnel diagnosis"), "pipeline:funnel", "funnel"),
            (_("Forecast"), "pipeline:forecast", "graph-up-arrow"),
            (_("Sales status"), "pipeline:status", "bar-chart-steps"),
        ],
    ),
    (
        _("Data"),
        [
            (_("Import / export"), "imports:index", "arrow-down-up"),
        ],
    ),
]

ADMIN_SIDEBAR = [
    (
        _("Administration"),
        [
            (_("People and teams"), "users:list", "people"),
            (_("Handover"), "users:handover", "arrow-left-right"),
            (_("Audit log"), "audit:list", "journal-text"),
        ],
    ),
]


def _resolve(sections):
    resolved = []
    for title, links in sections:
        items = []
        for label, name, icon in links:
            try:
                items.append({"label": label, "url": reverse(name), "icon": icon, "name": name})
            except NoReverseMatch:
                continue
        if items:
            resolved.append({"title": title, "items": items})
    return resolved


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    sections = SIDEBAR + (ADMIN_SIDEBAR if (user.is_admin or user.role in {"manager", "auditor"}) else [])
    return {"sidebar": _resolve(sections)}
