from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kam.api.pagination import keyset_page
from kam.audit.filtersets import AuditFilterSet
from kam.audit.models import ObjectChange


@login_required
@require_GET
def audit_list(request):
    """The audit log, filtered to what the user may see (all for admins and auditors)."""
    changes = ObjectChange.objects.restrict(request.user, "view").select_related("content_type", "actor")
    filterset = AuditFilterSet(request.GET, queryset=changes, request=request)
    page = keyset_page(
        request, filterset.qs, orderings={"-timestamp": ("-timestamp", "-id")}, default="-timestamp"
    )
    return render(request, "audit/audit_list.html", {"page": page, "filter": filterset})
