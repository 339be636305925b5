"""The sidebar, laid out by the method: Accounts · Pipeline · Development · Planning · Tiering · Service."""

import functools

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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
            (_("Exchange rates"), "accounts:exchange_rates", "currency-exchange"),
        ],
    ),
]


#: Links only people who may act there see (the pages answer 403 to the others anyway).
WRITERS_ONLY = {"users:handover"}


def _variant(user) -> str:
    """Which sidebar a user gets: the links depend on the role only."""
    if user.is_admin or user.role == "manager":
        return "full"
    if user.role == "auditor":
        return "reader"  # auditors read the administration pages, and hand over nothing
    return "basic"


@functools.lru_cache(maxsize=16)
def _sections(variant: str, script_prefix: str) -> list[dict]:
    """The sidebar's sections with their URLs, reversed once per variant (and script prefix)."""
    sections = SIDEBAR + (ADMIN_SIDEBAR if variant != "basic" else [])
    resolved = []
    for title, links in sections:
        items = []
        for label, name, icon in links:
            if variant != "full" and name in WRITERS_ONLY:
                continue
            try:
                items.append({"label": label, "url": reverse(name), "icon": icon, "name": name})
            except NoReverseMatch:
                continue
        if items:
            resolved.append({"title": title, "items": items})
    return resolved


@functools.lru_cache(maxsize=1024)
def _sidebar_html(variant: str, script_prefix: str, language: str, active: str) -> str:
    """The sidebar's links as HTML, rendered once per variant, language and current page.

    Every page shows it: through the template engine its 40 links cost a few ms of each request.
    """
    parts = []
    for section in _sections(variant, script_prefix):
        parts.append(
            format_html(
                '<div class="text-uppercase small text-muted mt-3 mb-1 px-2">{}</div>', section["title"]
            )
        )
        for item in section["items"]:
            current = mark_safe(' active" aria-current="page') if item["name"] == active else ""
            parts.append(
                format_html(
                    '<a class="nav-link px-2 py-1 rounded{}" href="{}">{} {}</a>',
                    current,
                    item["url"],
                    format_html('<i aria-hidden="true" class="bi bi-{}"></i>', item["icon"]),
                    item["label"],
                )
            )
    return mark_safe("".join(parts))


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    variant, prefix = _variant(user), get_script_prefix()
    match = getattr(request, "resolver_match", None)
    active = match.view_name if match is not None else ""
    return {
        "sidebar": _sections(variant, prefix),
        "sidebar_html": _sidebar_html(variant, prefix, get_language() or "", active),
    }
