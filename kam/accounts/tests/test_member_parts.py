"""A member's account pages on PostgreSQL are merged from two parts (owned; on the account team): every
ordering, filter and page, forwards and back, must equal the plain OR of the scope."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from kam.accounts.models import Account
from kam.accounts.tests.factories import AccountFactory, UserFactory
from kam.api.pagination import KeysetPagination, SerialPage
from kam.users.access import account_scope_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_world(world):
    """`owner` owns SPD Bank and 13 more accounts and sits on the team of 9 (SPD Bank's teammate is
    `teammate`) owned by others, names interleaved, with ties."""
    for n in range(13):
        AccountFactory(name=f"Name {n % 7:02d}", owner=world.owner, region="East" if n % 2 else "West")
    for n in range(9):
        account = AccountFactory(name=f"Name {n % 5:02d}", owner=world.outsider, region="East")
        account.team_members.create(user=world.owner, role="presales")
    AccountFactory(name="Name 03", owner=world.outsider)  # neither owned nor on the team
    return world


def _walk(client, url, params, *, key):
    """Every row of every page (following `next`), then back again (following `previous`)."""
    seen, page = [], client.get(url, params).json() if key == "api" else None
    forward = []
    while page is not None:
        forward.append([row["id"] for row in page["results"]])
        page = client.get(page["next"]).json() if page["next"] else None
        if page is not None:
            seen.append(page)
    backward = []
    page = seen[-1] if seen else None
    while page is not None and page["previous"]:
        page = client.get(page["previous"]).json()
        backward.append([row["id"] for row in page["results"]])
    return forward, backward


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parts are a PostgreSQL plan")
@pytest.mark.parametrize("ordering", ["name", "-name", "-updated_at", "updated_at"])
@pytest.mark.parametrize("filters", [{}, {"region": "East"}, {"q": "Name 0"}])
def test_api_pages_equal_the_plain_scope(member_world, monkeypatch, ordering, filters):
    client = APIClient()
    client.force_authenticate(member_world.owner)
    params = {"ordering": ordering, "page_size": 4, **filters}
    with_parts = _walk(client, "/api/accounts/", params, key="api")
    monkeypatch.setattr(KeysetPagination, "paginate_queryset", KeysetPagination.__mro__[1].paginate_queryset)
    plain = _walk(client, "/api/accounts/", params, key="api")
    assert with_parts == plain
    rows = [pk for page in with_parts[0] for pk in page]
    assert len(rows) == len(set(rows))
    if not filters:
        assert set(rows) == {a.pk for a in Account.objects.restrict(member_world.owner, "view")}
        assert len(rows) == 23


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parts are a PostgreSQL plan")
def test_list_page_uses_the_parts_and_shows_the_whole_scope(client, member_world):
    client.force_login(member_world.owner)
    html = client.get(reverse("accounts:list"), {"ordering": "name"}).content.decode()
    assert html.count('<tr><td><a href="/accounts/') == 23


def test_parts_are_for_members_on_postgresql_only(world):
    parts = account_scope_parts(world.owner)
    assert (parts is not None) == (connection.vendor == "postgresql")
    assert account_scope_parts(world.manager) is None and account_scope_parts(world.admin) is None
    superuser = UserFactory(username="root", role="member", is_superuser=True)
    assert superuser.is_admin and account_scope_parts(superuser) is None
    if parts is not None:
        scope = Account.objects.restrict(world.owner, "view")
        union = SerialPage(scope.order_by("name", "id"), parts)[0:100]
        assert [a.pk for a in union] == [a.pk for a in scope.order_by("name", "id")]
