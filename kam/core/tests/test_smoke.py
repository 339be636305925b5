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
