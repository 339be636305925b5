import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kam.accounts import selectors as account_selectors


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field if the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
def healthz(request):
    """Liveness + database check for load balancers; no login, no data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request):
    user = request.user
    steps = account_selectors.my_next_steps(user=user)
    today = timezone.localdate()
    context = {
        "next_steps": steps[:10],
        "overdue_count": steps.filter(next_step_due__lt=today).count(),
        "open_count": steps.count(),
        "recent_interactions": account_selectors.interaction_list(user=user).order_by("-occurred_on", "-id")[
            :8
        ],
        "recent_accounts": account_selectors.account_list(user=user).order_by("-updated_at", "-id")[:8],
        "today": today,
        "activity": account_selectors.activity_by_kind(user=user, since=today - datetime.timedelta(days=90)),
    }
    return render(request, "core/home.html", context)


@login_required
@require_GET
def search(request):
    """Global search across the accounts and contacts the user may see (htmx dropdown or full page)."""
    query = request.GET.get("q", "")
    context = {
        "query": query,
        "accounts": account_selectors.account_search(
            user=request.user, query=query, limit=8 if request.htmx else 50
        ),
        "contacts": account_selectors.contact_search(
            user=request.user, query=query, limit=8 if request.htmx else 50
        ),
    }
    template = "core/partials/_search_results.html" if request.htmx else "core/search.html"
    return render(request, template, context)
