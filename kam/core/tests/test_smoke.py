import pytest
from django.urls import reverse


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_anonymous_visitor_lands_on_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "accounts:list",
        "accounts:contact_list",
        "accounts:interaction_list",
        "accounts:next_steps",
        "accounts:create",
        "users:tokens",
        "audit:list",
    ],
)
def test_pages_render_for_a_member(client, world, name):
    client.force_login(world.owner)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Vary"].count("HX-Request") == 1


def test_list_filters_name_themselves_in_both_languages(client, world):
    client.force_login(world.owner)
    page = client.get(reverse("accounts:list")).content.decode()
    for label in ["Industry: all", "Status: all", "Owner: all", "Ownership: all", "Lead source: all"]:
        assert f'<option value="" selected>{label}</option>' in page
    assert "---------" not in page
    chinese = client.get(reverse("accounts:list"), HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    assert '<option value="" selected>状态: 全部</option>' in chinese
