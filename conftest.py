"""Fixtures shared by every app's tests: the six kinds of people of the access matrix."""

import pytest

from kam.accounts.tests.factories import AccountFactory, IndustryFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    """Two sales teams under one HQ, with an account owned in each.

    - `owner` (team east) owns `account`; `teammate` sits on its account team;
    - `manager` manages HQ (sees both teams); `east_manager` manages east only;
    - `outsider` is a member of team west and owns `other_account`;
    - `admin`, `auditor`.
    """
    hq = TeamFactory(name="HQ")
    east = TeamFactory(name="East", parent=hq)
    west = TeamFactory(name="West", parent=hq)
    people = {
        "admin": UserFactory(username="admin", role="admin"),
        "auditor": UserFactory(username="auditor", role="auditor"),
        "manager": UserFactory(username="manager", role="manager", team=hq),
        "east_manager": UserFactory(username="east_manager", role="manager", team=east),
        "owner": UserFactory(username="owner", role="member", team=east),
        "teammate": UserFactory(username="teammate", role="member", team=west),
        "outsider": UserFactory(username="outsider", role="member", team=west),
    }
    industry = IndustryFactory(code="finance", name="金融", name_en="Finance")
    account = AccountFactory(name="SPD Bank", code="110", owner=people["owner"], industry=industry)
    account.team_members.create(user=people["teammate"], role="presales")
    other = AccountFactory(name="West Corp", code="W1", owner=people["outsider"], industry=industry)

    class World:
        pass

    w = World()
    w.__dict__.update(
        people, hq=hq, east=east, west=west, industry=industry, account=account, other_account=other
    )
    return w
