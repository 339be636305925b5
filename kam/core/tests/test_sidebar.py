"""The sidebar is rendered once per role, language and page, and says which page is open."""

import re

import pytest
from django.urls import reverse


def _links(html: str) -> list[tuple[str, str, bool]]:
    """(href, label, current) of each sidebar link."""
    nav = html.split('<nav class="offcanvas-body')[1].split("</nav>")[0]
    return [
        (href, label.strip(), "active" in classes)
        for classes, href, label in re.findall(
            r'<a class="nav-link([^"]*)"[^>]* href="([^"]+)"><i[^>]*></i>([^<]+)</a>', nav
        )
    ]


@pytest.mark.django_db
def test_current_page_is_marked_and_links_follow_the_role(client, world):
    client.force_login(world.owner)
    links = _links(client.get(reverse("accounts:list")).content.decode())
    assert [link for link in links if link[2]] == [("/accounts/", "Accounts", True)]
    assert ("/", "Dashboard", False) in links
    assert not any(href == reverse("audit:list") for href, _label, _current in links)

    client.force_login(world.auditor)
    links = _links(client.get(reverse("audit:list")).content.decode())
    assert [link for link in links if link[2]] == [(reverse("audit:list"), "Audit log", True)]
    assert not any(href == reverse("users:handover") for href, _label, _current in links)


@pytest.mark.django_db
def test_the_same_page_in_chinese_gets_chinese_links(client, world):
    client.force_login(world.owner)
    client.get(reverse("accounts:list"))  # the English sidebar is now remembered
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    links = _links(client.get(reverse("accounts:list")).content.decode())
    assert [link for link in links if link[2]] == [("/accounts/", "客户", True)]
