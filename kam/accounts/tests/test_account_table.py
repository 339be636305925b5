"""The account list's rows, rendered in one pass of Python: escaped, linked, with their tier badge."""

import pytest
from django.urls import reverse

from kam.accounts.tests.factories import AccountFactory


@pytest.mark.django_db
def test_rows_show_every_column_escaped(client, world):
    AccountFactory(name='A <b>"bold"</b> & co', code=None, owner=world.owner, tier="gold", region="上海")
    client.force_login(world.owner)
    html = client.get(reverse("accounts:list")).content.decode()
    row = next(part for part in html.split("<tr>") if "&lt;b&gt;" in part)
    assert row.startswith('<td><a href="/accounts/')
    assert '">A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; co</a></td><td class="text-muted"></td>' in row
    assert '<td class="d-none d-lg-table-cell">上海</td>' in row
    assert '<span class="badge text-bg-warning" data-tier="gold">Gold</span>' in row
    assert f'<td class="d-none d-md-table-cell">{world.owner.full_name}</td>' in row
    spd = next(part for part in html.split("<tr>") if "SPD Bank" in part)
    assert f'<a href="/accounts/{world.account.pk}/">SPD Bank</a>' in spd
    assert '<td class="text-muted">110</td><td class="d-none d-md-table-cell">Finance</td>' in spd


@pytest.mark.django_db
def test_no_rows_says_so(client, world):
    client.force_login(world.owner)
    html = client.get(reverse("accounts:list"), {"q": "nothing like this"}).content.decode()
    assert "No accounts match. Change the filters or create an account." in html
