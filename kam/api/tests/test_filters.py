"""The API builds a FilterSet only when the request filters; paging and ordering alone do not."""

import pytest
from rest_framework.test import APIClient

from kam.accounts.filtersets import AccountFilterSet
from kam.accounts.tests.factories import AccountFactory


@pytest.fixture
def counted(monkeypatch):
    built = []
    original = AccountFilterSet.__init__

    def init(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(AccountFilterSet, "__init__", init)
    return built


def _names(client, params):
    return [row["name"] for row in client.get("/api/accounts/", params).json()["results"]]


@pytest.mark.django_db
def test_filters_apply_and_paging_alone_builds_no_filterset(world, counted):
    AccountFactory(name="East Works", owner=world.owner, region="East")
    client = APIClient()
    client.force_authenticate(world.owner)

    assert _names(client, {"ordering": "-name", "page_size": 5}) == ["SPD Bank", "East Works"]
    assert counted == []
    assert _names(client, {"region": "East"}) == ["East Works"]
    assert _names(client, {"q": "spd", "ordering": "name"}) == ["SPD Bank"]
    assert len(counted) == 2
    assert client.get("/api/accounts/", {"status": "nonsense"}).status_code == 400
