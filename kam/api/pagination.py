"""Keyset (cursor) pagination for the API and the UI alike: no OFFSET, no full COUNT on big tables."""

from types import SimpleNamespace

from django.core.paginator import Paginator
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class KeysetPagination(CursorPagination):
    """DRF's cursor pagination, with the sort order picked from a view's whitelist (`?ordering=`).

    A view declares `keyset_orderings = {"name": ("name", "id"), ...}` and `keyset_default`.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        orderings = getattr(view, "keyset_orderings", None)
        if not orderings:
            return super().get_ordering(request, queryset, view)
        wanted = request.query_params.get("ordering", "")
        return orderings.get(wanted) or orderings[view.keyset_default]


def keyset_page(request, queryset, *, orderings: dict[str, tuple], default: str, page_size: int = 50):
    """One page of `queryset` for a server-rendered list, with next/previous links."""
    paginator = KeysetPagination()
    paginator.page_size = page_size
    view = SimpleNamespace(keyset_orderings=orderings, keyset_default=default)
    drf_request = Request(request)
    rows = paginator.paginate_queryset(queryset, drf_request, view=view)
    return SimpleNamespace(
        rows=rows,
        next_url=paginator.get_next_link(),
        previous_url=paginator.get_previous_link(),
        ordering=request.GET.get("ordering") if request.GET.get("ordering") in orderings else default,
    )


def list_page(request, items: list, *, page_size: int = 25):
    """One page of a list computed in Python (not a queryset), with the same next/previous links as
    keyset_page; `?page=N` keeps the other query parameters."""
    page = Paginator(items, page_size).get_page(request.GET.get("page"))

    def url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = number
        return f"?{query.urlencode()}"

    return SimpleNamespace(
        rows=page.object_list,
        number=page.number,
        pages=page.paginator.num_pages,
        total=page.paginator.count,
        next_url=url(page.next_page_number()) if page.has_next() else None,
        previous_url=url(page.previous_page_number()) if page.has_previous() else None,
    )
