"""The sidebar, laid out by the method: Accounts · Pipeline · Development · Planning · Tiering · Service."""

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
        _("Development"),
        [
            (_("My actions"), "buyingcenter:my_actions", "person-check"),
            (_("Competitors"), "competition:competitor_list", "trophy"),
            (_("Competitiveness matrices"), "competition:matrix_list", "grid-3x3"),
            (_("SPIN library"), "buyingcenter:spin_library", "chat-quote"),
            (_("Value calculator"), "buyingcenter:value_calculator", "calculator"),
        ],
    ),
    (
        _("Planning"),
        [
            (_("Industry attractiveness"), "planning:matrix", "grid-3x3-gap"),
            (_("Industry profiles"), "planning:industry_list", "building-gear"),
            (_("Key-account base"), "planning:base", "pie-chart"),
            (_("Account plans"), "planning:plan_list", "journal-richtext"),
        ],
    ),
    (
        _("Tiering"),
        [
            (_("Tiers"), "tiering:overview", "award"),
            (_("Pareto 20/80"), "tiering:pareto", "graph-up"),
            (_("Value pyramid"), "tiering:pyramid", "triangle"),
            (_("Value scorecard"), "tiering:results", "list-ol"),
            (_("Account indicators"), "tiering:indicators", "speedometer"),
            (_("Sales ledger"), "tiering:transactions", "receipt"),
            (_("Payments"), "tiering:payments", "cash-coin"),
            (_("Customer feedback"), "tiering:feedback", "chat-heart"),
        ],
    ),
    (
        _("Service"),
        [
            (_("Service dashboard"), "service:dashboard", "heart-pulse"),
            (_("Relationship stages"), "service:stage_list", "bar-chart-steps"),
            (_("Loyalty and at-risk"), "service:loyalty", "shield-exclamation"),
            (_("Service requests"), "service:request_list", "headset"),
            (_("Satisfaction surveys"), "service:survey_list", "clipboard-check"),
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


#: Links only people who may act there see (the pages answer 403 to the others anyway).
WRITERS_ONLY = {"users:handover"}


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
    if not (user.is_admin or user.role == "manager"):  # auditors read, and hand over nothing
        sections = [(title, [ln for ln in links if ln[1] not in WRITERS_ONLY]) for title, links in sections]
    return {"sidebar": _resolve(sections)}
