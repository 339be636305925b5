"""The permission matrix: every persona × every page and API action on accounts and what hangs on them."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kam.accounts.models import Account, Contact, Interaction
from kam.accounts.tests.factories import ContactFactory, InteractionFactory
from kam.audit.models import ObjectChange

VIEWERS = {"owner", "teammate", "east_manager", "manager", "auditor", "admin"}
CHANGERS = {"owner", "teammate", "east_manager", "manager", "admin"}
DELETERS = {"owner", "east_manager", "manager", "admin"}
PERSONAS = ["outsider", "owner", "teammate", "east_manager", "manager", "auditor", "admin"]


@pytest.fixture
def records(world):
    contact = ContactFactory(account=world.account, name="郑师超")
    interaction = InteractionFactory(account=world.account, owner=world.owner, next_step="Call back")
    return {"account": world.account, "contact": contact, "interaction": interaction}


def _expected(persona, allowed):
    return 200 if persona in allowed else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_account_pages(client, world, records, persona):
    client.force_login(getattr(world, persona))
    pk = world.account.pk
    assert client.get(reverse("accounts:detail", args=[pk])).status_code == _expected(persona, VIEWERS)
    assert client.get(reverse("accounts:edit", args=[pk])).status_code == _expected(persona, CHANGERS)
    assert client.get(reverse("accounts:delete", args=[pk])).status_code == _expected(persona, DELETERS)
    assert client.get(
        reverse("accounts:contact_edit", args=[records["contact"].pk])
    ).status_code == _expected(persona, CHANGERS)
    assert client.get(reverse("accounts:interaction_edit", args=[records["interaction"].pk])).status_code == (
        _expected(persona, CHANGERS)
    )
    assert client.get(reverse("accounts:contact_create", args=[pk])).status_code == _expected(
        persona, CHANGERS
    )


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - DELETERS))
def test_refused_delete_changes_nothing(client, world, records, persona):
    client.force_login(getattr(world, persona))
    audit_before = ObjectChange.objects.count()
    response = client.post(reverse("accounts:delete", args=[world.account.pk]))
    assert response.status_code == 404
    assert Account.objects.filter(pk=world.account.pk).exists()
    assert Contact.objects.filter(account=world.account).count() == 1
    assert ObjectChange.objects.count() == audit_before


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - CHANGERS))
def test_refused_edit_changes_nothing(client, world, records, persona):
    client.force_login(getattr(world, persona))
    response = client.post(
        reverse("accounts:edit", args=[world.account.pk]),
        {"name": "Hijacked", "status": "active", "currency": "CNY", "version": 1},
    )
    assert response.status_code == 404
    world.account.refresh_from_db()
    assert world.account.name == "SPD Bank"
    assert world.account.version == 1


def test_anonymous_is_sent_to_login(client, world, records):
    for url in [
        reverse("accounts:detail", args=[world.account.pk]),
        reverse("accounts:list"),
        reverse("accounts:next_steps"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


EXPECTED_ACCOUNTS = {
    "outsider": {"West Corp"},
    "owner": {"SPD Bank"},
    "teammate": {"SPD Bank"},
    "east_manager": {"SPD Bank"},
    "manager": {"SPD Bank", "West Corp"},
    "auditor": {"SPD Bank", "West Corp"},
    "admin": {"SPD Bank", "West Corp"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_search_and_api_show_exactly_the_scope(client, world, records, persona):
    user = getattr(world, persona)
    expected = EXPECTED_ACCOUNTS[persona]
    assert set(Account.objects.restrict(user, "view").values_list("name", flat=True)) == expected

    client.force_login(user)
    page = client.get(reverse("accounts:list"))
    assert {a.name for a in page.context["page"].rows} == expected

    found = client.get(reverse("search"), {"q": "o"}, HTTP_HX_REQUEST="true")
    assert {a.name for a in found.context["accounts"]} == {n for n in expected if "o" in n}

    api = APIClient()
    api.force_authenticate(user)
    body = api.get("/api/accounts/").json()
    assert {row["name"] for row in body["results"]} == expected
    contacts = api.get("/api/contacts/").json()["results"]
    assert [c["name"] for c in contacts] == (["郑师超"] if "SPD Bank" in expected else [])
    interactions = api.get("/api/interactions/").json()["results"]
    assert len(interactions) == (1 if "SPD Bank" in expected else 0)


def test_owner_filter_dropdown_lists_only_people_in_reach(client, world):
    client.force_login(world.owner)
    form = client.get(reverse("accounts:list")).context["filter"].form
    assert {u.username for u in form.fields["owner"].queryset} == {"owner", "east_manager"}
    client.force_login(world.manager)
    form = client.get(reverse("accounts:list")).context["filter"].form
    assert {u.username for u in form.fields["owner"].queryset} == {
        "manager",
        "east_manager",
        "owner",
        "teammate",
        "outsider",
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_writes_follow_the_matrix(world, records, persona):
    api = APIClient()
    user = getattr(world, persona)
    api.force_authenticate(user)
    pk = world.account.pk
    response = api.patch(f"/api/accounts/{pk}/", {"notes": "x", "version": 1}, format="json")
    if persona == "auditor":
        assert response.status_code == 403
    else:
        assert response.status_code == _expected(persona, CHANGERS)
    response = api.delete(f"/api/contacts/{records['contact'].pk}/")
    if persona == "auditor":
        assert response.status_code == 403
        assert Contact.objects.filter(pk=records["contact"].pk).exists()
    elif persona in CHANGERS:
        assert response.status_code == 204
        assert not Contact.objects.filter(pk=records["contact"].pk).exists()
    else:
        assert response.status_code == 404
        assert Contact.objects.filter(pk=records["contact"].pk).exists()


def test_api_refuses_anonymous(world):
    response = APIClient().get("/api/accounts/")
    assert response.status_code == 401


def test_cannot_attach_a_contact_to_an_account_out_of_scope(world):
    api = APIClient()
    api.force_authenticate(world.outsider)
    response = api.post("/api/contacts/", {"account": world.account.pk, "name": "Spy"}, format="json")
    assert response.status_code == 400
    assert "account" in response.json()
    assert not Contact.objects.filter(name="Spy").exists()


def test_member_sees_only_own_next_steps_and_log(client, world, records):
    InteractionFactory(account=world.other_account, owner=world.outsider, next_step="Other step")
    client.force_login(world.owner)
    steps = client.get(reverse("accounts:next_steps")).context["steps"]
    assert [s.next_step for s in steps] == ["Call back"]
    log = client.get(reverse("accounts:interaction_list")).context["page"].rows
    assert [i.account.name for i in log] == ["SPD Bank"]
    assert Interaction.objects.count() == 2


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - CHANGERS))
def test_refused_writes_on_children_change_nothing(client, world, records, persona):
    """Team, org chart, next step and delete actions answer 404 outside the change scope."""
    client.force_login(getattr(world, persona))
    contact, interaction = records["contact"], records["interaction"]
    audit_before = ObjectChange.objects.count()
    member = world.account.team_members.get()
    posts = [
        (
            reverse("accounts:team_add", args=[world.account.pk]),
            {"user": world.outsider.pk, "role": "service"},
        ),
        (reverse("accounts:team_remove", args=[world.account.pk, member.pk]), {}),
        (reverse("accounts:contact_reports_to", args=[contact.pk]), {"reports_to": ""}),
        (reverse("accounts:next_step_toggle", args=[interaction.pk]), {"done": "1"}),
        (reverse("accounts:interaction_delete", args=[interaction.pk]), {}),
        (reverse("accounts:contact_delete", args=[contact.pk]), {}),
        (
            reverse("accounts:interaction_create", args=[world.account.pk]),
            {"kind": "visit", "occurred_on": "2026-11-01", "content": "x"},
        ),
    ]
    assert [client.post(url, data).status_code for url, data in posts] == [404] * len(posts)
    assert ObjectChange.objects.count() == audit_before
    assert world.account.team_members.count() == 1
    interaction.refresh_from_db()
    assert not interaction.next_step_done
    assert Interaction.objects.count() == 1 and Contact.objects.count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_reference_data_api_is_readable_and_read_only(world, persona):
    api = APIClient()
    api.force_authenticate(getattr(world, persona))
    assert [i["code"] for i in api.get("/api/industries/").json()] == ["finance"]
    assert {t["name"] for t in api.get("/api/teams/").json()} == {"HQ", "East", "West"}
    refused = 403 if persona == "auditor" else 405  # auditors are stopped before the method check
    assert api.post("/api/industries/", {"code": "x", "name": "x"}, format="json").status_code == refused
    assert api.post("/api/teams/", {"name": "x"}, format="json").status_code == refused


USERS_IN_REACH = {
    "outsider": {"outsider", "teammate"},
    "owner": {"owner", "east_manager"},
    "teammate": {"outsider", "teammate"},
    "east_manager": {"owner", "east_manager"},
    "manager": {"manager", "east_manager", "owner", "teammate", "outsider"},
    "auditor": {"admin", "auditor", "manager", "east_manager", "owner", "teammate", "outsider"},
    "admin": {"admin", "auditor", "manager", "east_manager", "owner", "teammate", "outsider"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_users_api_shows_people_in_reach(world, persona):
    api = APIClient()
    api.force_authenticate(getattr(world, persona))
    assert {u["username"] for u in api.get("/api/users/").json()["results"]} == USERS_IN_REACH[persona]
