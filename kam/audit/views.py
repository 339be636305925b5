from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kam.api.pagination import keyset_page
from kam.audit.models import ObjectChange


@login_required
@require_GET
def audit_list(request):
    """The audit log, filtered to what the user may see (all for admins and auditors)."""
    changes = ObjectChange.objects.restrict(request.user, "view").select_related("content_type")
    if request.GET.get("request_id"):
        changes = changes.filter(request_id=request.GET["request_id"])
    page = keyset_page(
        request, changes, orderings={"-timestamp": ("-timestamp", "-id")}, default="-timestamp"
    )
    return render(request, "audit/audit_list.html", {"page": page})
