"""`__any`: the same rows as `__in`, with the list sent as one array parameter on PostgreSQL."""

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
