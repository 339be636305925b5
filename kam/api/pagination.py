"""Keyset (cursor) pagination for the API and the UI alike: no OFFSET, no full COUNT on big tables."""

from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db import connection, transaction
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

    def paginate_queryset(self, queryset, request, view=None):
        """The page is read by `SerialPage` (no parallel workers); a view may split its scope into disjoint
        parts (`keyset_parts`): each part is paged on its own and the database merges them."""
        parts = getattr(view, "keyset_parts", None)
        return super().paginate_queryset(SerialPage(queryset, parts or None), request, view)

    def get_ordering(self, request, queryset, view):
        orderings = getattr(view, "keyset_orderings", None)
        if not orderings:
            return super().get_ordering(request, queryset.queryset, view)
        wanted = request.query_params.get("ordering", "")
        return orderings.get(wanted) or orderings[view.keyset_default]


class SerialPage:
    """Just what CursorPagination asks of a queryset (order_by, filter, a slice), reading the page with
    PostgreSQL's parallel workers off.

    Why: a page is at most a few hundred rows from an index walk, yet the planner sometimes prices a
    parallel plan for it — starting the workers took 5–15 ms, longer than the query, and with 8 requests
    on 2 cores the workers only compete with the other requests.

    With `parts` (Q objects) the rows are their disjoint union: each part is ordered, filtered and limited
    on its own, and one UNION ALL query merges the limited parts in the same order. The parts narrow the
    queryset, never widen it.
    """

    def __init__(self, queryset, parts: list | None = None):
        self.queryset, self.parts = queryset, parts

    def order_by(self, *fields):
        return SerialPage(self.queryset.order_by(*fields), self.parts)

    def filter(self, *args, **kwargs):
        return SerialPage(self.queryset.filter(*args, **kwargs), self.parts)

    def __getitem__(self, window: slice) -> list:
        if self.parts:
            ordering = self.queryset.query.order_by
            limited = [self.queryset.filter(part)[: window.stop] for part in self.parts]
            rows = limited[0].union(*limited[1:], all=True).order_by(*ordering)[window]
        else:
            rows = self.queryset[window]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            # in a caller's transaction, SET LOCAL would outlive this page (a savepoint's release keeps it)
            return list(rows)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return list(rows)


def keyset_page(
    request,
    queryset,
    *,
    orderings: dict[str, tuple],
    default: str,
    page_size: int = 50,
    parts: list | None = None,
):
    """One page of `queryset` for a server-rendered list, with next/previous links (`parts`: see
    KeysetPagination.paginate_queryset)."""
    paginator = KeysetPagination()
    paginator.page_size = page_size
    view = SimpleNamespace(keyset_orderings=orderings, keyset_default=default, keyset_parts=parts)
    drf_request = Request(request)
    rows = paginator.paginate_queryset(queryset, drf_request, view=view)
    return SimpleNamespace(
        rows=rows,
        next_url=paginator.get_next_link(),
        previous_url=paginator.get_previous_link(),
        ordering=request.GET.get("ordering") if request.GET.get("ordering") in orderings else default,
    )


def list_page(request, items, *, page_size: int = 25):
    """One page of `items` — a list, or any sequence that reads only the slice asked for (e.g. my actions'
    `Listed`) — with the same next/previous links as keyset_page; `?page=N` keeps the other parameters."""
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
