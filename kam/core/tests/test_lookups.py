"""`__any`: the same rows as `__in`, with the list as one parameter (PostgreSQL: an array; SQLite: JSON)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.accounts.models import Account, Contact
from kam.accounts.tests.factories import ContactFactory


def test_any_selects_what_in_selects_on_fields_and_foreign_keys(world):
    spd, west = world.account, world.other_account
    ContactFactory(account=spd, name="Tang")
    ContactFactory(account=west, name="Wu")
    with CaptureQueriesContext(connection) as queries:
        assert set(Account.objects.filter(pk__any=[spd.pk, west.pk, 10**9])) == {spd, west}
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]
    assert list(Contact.objects.filter(account_id__any=[west.pk]).values_list("name", flat=True)) == ["Wu"]
    assert list(Contact.objects.filter(account_id__any=[])) == []
    assert (
        Contact.objects.filter(account_id__any=(spd.pk,)).count()
        == Contact.objects.filter(account_id__in=[spd.pk]).count()
        == 1
    )


def test_a_managers_scope_sends_the_teams_owners_as_one_parameter(world):
    """A manager's reach can be hundreds of people: as one array the query's text stays the same whatever the
    team's size, so psycopg keeps its parsed form (it parses afresh any query with over 50 parameters)."""
    from kam.accounts.tests.factories import UserFactory
    from kam.pipeline.models import Opportunity

    for number in range(60):
        UserFactory(username=f"east{number}", role="member", team=world.east)
    everyone = list(Account.objects.all())
    with CaptureQueriesContext(connection) as queries:
        assert list(Account.objects.restrict(world.manager)) == everyone
        assert list(Opportunity.objects.restrict(world.manager)) == []
    scoped = [query["sql"] for query in queries if '"owner_id"' in query["sql"]]
    assert len(scoped) == 2
    if connection.vendor == "postgresql":
        assert ['"owner_id" = ANY(' in sql and '"owner_id" IN (' not in sql for sql in scoped] == [True, True]


def test_any_under_exclude_and_with_a_set_or_nothing(world):
    spd, west = world.account, world.other_account
    tang, _wu = ContactFactory(account=spd, name="Tang"), ContactFactory(account=west, name="Wu")
    everyone = set(Account.objects.all())
    assert set(Account.objects.exclude(owner_id__any={world.owner.pk})) == everyone - {spd}
    assert set(Account.objects.exclude(owner_id__any=[])) == everyone
    assert set(Account.objects.filter(owner_id__any=set())) == set()
    assert list(Contact.objects.exclude(account__owner_id__any=[world.outsider.pk])) == [tang]
    assert west.owner_id == world.outsider.pk


def test_any_takes_values_as_in_does_on_text_and_date_columns(world):
    """On SQLite the list travels as JSON, which has no column affinity: the field prepares each value."""
    import datetime

    spd = world.account
    assert (
        list(Account.objects.filter(code__any=[110])) == list(Account.objects.filter(code__in=[110])) == [spd]
    )
    Account.objects.filter(pk=spd.pk).update(founded_on=datetime.date(1992, 8, 28))
    assert list(Account.objects.filter(founded_on__any=[datetime.date(1992, 8, 28)])) == [spd]
    assert list(Account.objects.filter(code__any=[f"C{n}" for n in range(40_000)])) == []
