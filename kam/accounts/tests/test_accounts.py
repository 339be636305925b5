"""Accounts, contacts and the contact log through the pages and the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from kam.accounts import services
from kam.accounts.models import Account, Contact, Interaction
from kam.accounts.tests.factories import AccountFactory, ContactFactory
from kam.audit.models import ObjectChange

FORM = {"name": "SPD Bank", "status": "active", "currency": "CNY"}


def test_two_stale_edits_second_is_refused_and_nothing_lost(client, world):
    client.force_login(world.owner)
    url = reverse("accounts:edit", args=[world.account.pk])
    first = client.post(url, {**FORM, "region": "上海", "version": 1})
    assert first.status_code == 302
    second = client.post(url, {**FORM, "notes": "my notes", "version": 1})
    assert second.status_code == 200
    assert "Someone else saved this record after you opened it" in second.content.decode()
    world.account.refresh_from_db()
    assert (world.account.region, world.account.notes, world.account.version) == ("上海", "", 2)
    assert ObjectChange.objects.filter(action="update").count() == 1


def test_stale_api_update_answers_409(world):
    api = APIClient()
    api.force_authenticate(world.owner)
    assert (
        api.patch(
            f"/api/accounts/{world.account.pk}/", {"region": "北京", "version": 1}, format="json"
        ).status_code
        == 200
    )
    response = api.patch(
        f"/api/accounts/{world.account.pk}/", {"region": "广州", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert "version" in response.json()
    world.account.refresh_from_db()
    assert (world.account.region, world.account.version) == ("北京", 2)


def test_put_without_version_is_refused(world):
    api = APIClient()
    api.force_authenticate(world.owner)
    response = api.put(f"/api/accounts/{world.account.pk}/", {"name": "X", "status": "active"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["Include the version you received when you loaded the record."]}
    world.account.refresh_from_db()
    assert world.account.name == "SPD Bank"


def test_invalid_form_names_the_field_and_saves_nothing(client, world):
    client.force_login(world.owner)
    count = Account.objects.count()
    response = client.post(
        reverse("accounts:create"),
        {
            "name": "",
            "status": "prospect",
            "currency": "CNY",
            "registered_capital": "abc",
            "email": "not-mail",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "registered_capital", "email"}
    assert Account.objects.count() == count


def test_duplicate_code_is_a_field_error(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("accounts:create"), {**FORM, "name": "Other", "code": "110"})
    assert list(response.context["form"].errors) == ["code"]
    assert Account.objects.filter(code="110").count() == 1


def test_member_creates_an_account_they_own(client, world):
    client.force_login(world.outsider)
    response = client.post(
        reverse("accounts:create"), {**FORM, "name": "新客户", "industry": world.industry.pk}
    )
    account = Account.objects.get(name="新客户")
    assert response["Location"] == reverse("accounts:detail", args=[account.pk])
    assert (account.owner, account.industry, account.version) == (world.outsider, world.industry, 1)


def test_member_cannot_pick_an_owner_outside_their_reach(client, world):
    client.force_login(world.outsider)
    response = client.post(reverse("accounts:create"), {**FORM, "name": "Sneaky", "owner": world.owner.pk})
    assert "owner" in response.context["form"].errors
    assert not Account.objects.filter(name="Sneaky").exists()


def test_parent_account_cannot_make_a_loop(world):
    child = AccountFactory(name="Child", owner=world.owner, parent=world.account)
    with pytest.raises(Exception) as error:
        services.account_update(account=world.account, actor=world.owner, data={"parent": child})
    assert "parent" in error.value.message_dict
    world.account.refresh_from_db()
    assert world.account.parent is None


def test_org_chart_tree_and_reports_to_from_the_chart(client, world):
    gm = ContactFactory(account=world.account, name="李阳", title="GM")
    tech = ContactFactory(account=world.account, name="张华", reports_to=gm)
    buyer = ContactFactory(account=world.account, name="李建", reports_to=gm)
    client.force_login(world.owner)
    chart = client.get(reverse("accounts:detail", args=[world.account.pk])).context["org_chart"]
    assert [(n["name"], [c["name"] for c in n["children"]]) for n in chart] == [("李阳", ["张华", "李建"])]

    response = client.post(
        reverse("accounts:contact_reports_to", args=[buyer.pk]),
        {"reports_to": tech.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    buyer.refresh_from_db()
    assert buyer.reports_to == tech
    loop = client.post(
        reverse("accounts:contact_reports_to", args=[gm.pk]), {"reports_to": buyer.pk}, HTTP_HX_REQUEST="true"
    )
    assert loop.status_code == 400
    assert "loop" in loop.content.decode()
    gm.refresh_from_db()
    assert gm.reports_to is None


def test_reports_to_must_be_at_the_same_account(world):
    stranger = ContactFactory(account=world.other_account)
    contact = ContactFactory(account=world.account)
    with pytest.raises(Exception) as error:
        services.contact_set_reports_to(contact=contact, actor=world.owner, manager=stranger)
    assert list(error.value.message_dict) == ["reports_to"]


def test_deleting_a_contact_moves_their_reports_up(world):
    gm = ContactFactory(account=world.account, name="GM")
    head = ContactFactory(account=world.account, name="Head", reports_to=gm)
    staff = ContactFactory(account=world.account, name="Staff", reports_to=head)
    services.contact_delete(contact=head, actor=world.owner)
    staff.refresh_from_db()
    assert staff.reports_to == gm


def test_log_a_contact_with_next_step_and_complete_it(client, world):
    tang = ContactFactory(account=world.account, name="唐军")
    client.force_login(world.owner)
    due = datetime.date(2030, 1, 15)
    response = client.post(
        reverse("accounts:interaction_create", args=[world.account.pk]),
        {
            "kind": "phone",
            "occurred_on": "2026-11-20",
            "content": "电话联系唐军，约定下周见面。",
            "their_people": [tang.pk],
            "our_people": [world.owner.pk],
            "next_step": "Visit",
            "next_step_due": due,
        },
    )
    assert response.status_code == 302
    entry = Interaction.objects.get()
    assert (entry.owner, list(entry.their_people.all()), entry.next_step_due) == (world.owner, [tang], due)
    steps = client.get(reverse("accounts:next_steps")).context["steps"]
    assert [s.pk for s in steps] == [entry.pk]
    toggle = client.post(
        reverse("accounts:next_step_toggle", args=[entry.pk]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert toggle.status_code == 200
    entry.refresh_from_db()
    assert entry.next_step_done
    assert list(client.get(reverse("accounts:next_steps")).context["steps"]) == []


def test_next_step_due_needs_a_next_step(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("accounts:interaction_create", args=[world.account.pk]),
        {"kind": "visit", "occurred_on": "2026-11-20", "content": "x", "next_step_due": "2026-12-01"},
    )
    assert list(response.context["form"].errors) == ["next_step"]
    assert Interaction.objects.count() == 0


def test_api_list_is_keyset_paginated_with_results(world):
    for n in range(60):
        AccountFactory(name=f"Bulk {n:02d}", owner=world.owner)
    api = APIClient()
    api.force_authenticate(world.owner)
    first = api.get("/api/accounts/", {"ordering": "name"}).json()
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 50
    assert first["results"][0]["name"] == "Bulk 00"
    second = api.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == [f"Bulk {n:02d}" for n in range(50, 60)] + ["SPD Bank"]
    assert "cursor=" in first["next"] and "offset" not in first["next"]


def test_api_filters(world):
    AccountFactory(name="Beijing Steel", owner=world.owner, region="北京", status="active")
    api = APIClient()
    api.force_authenticate(world.owner)
    rows = api.get("/api/accounts/", {"region": "北京"}).json()["results"]
    assert [r["name"] for r in rows] == ["Beijing Steel"]
    rows = api.get("/api/accounts/", {"q": "spd"}).json()["results"]
    assert [r["name"] for r in rows] == ["SPD Bank"]
    rows = api.get("/api/accounts/", {"owner": world.outsider.pk}).json()
    assert "owner" in rows  # someone the member cannot see is not a valid choice


def test_list_page_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world.manager)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accounts:list")).status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(40):
        AccountFactory(name=f"More {n}", owner=world.owner, industry=world.industry)
    assert count_queries() == few


def test_schema_and_docs(client, world):
    client.force_login(world.owner)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in [
        "/api/accounts/",
        "/api/contacts/",
        "/api/interactions/",
        "/api/industries/",
        "/api/teams/",
        "/api/users/",
    ]:
        assert f"{path}:" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI is served from the installed sidecar package, never from a CDN
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs.content
    assert b"cdn.jsdelivr" not in docs.content


def test_token_login_endpoint_and_lockout(client, world):
    ok = client.post(
        "/api/auth/token/",
        {"username": "owner", "password": "pw-for-tests-1"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    key = ok.json()["token"]
    assert client.get("/api/accounts/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    statuses = [
        client.post(
            "/api/auth/token/", {"username": "owner", "password": "wrong"}, content_type="application/json"
        ).status_code
        for _attempt in range(10)
    ]
    assert statuses == [401] * 9 + [429]  # AXES_FAILURE_LIMIT = 10
    locked = client.post(
        "/api/auth/token/",
        {"username": "owner", "password": "pw-for-tests-1"},
        content_type="application/json",
    )
    assert locked.status_code == 429
    assert b"token" not in locked.content


def test_contacts_api_crud(world):
    api = APIClient()
    api.force_authenticate(world.teammate)
    created = api.post(
        "/api/contacts/", {"account": world.account.pk, "name": "郑师超", "title": "主任"}, format="json"
    ).json()
    updated = api.patch(f"/api/contacts/{created['id']}/", {"title": "Director", "version": 1}, format="json")
    assert updated.json()["title"] == "Director"
    assert updated.json()["version"] == 2
    assert api.delete(f"/api/contacts/{created['id']}/").status_code == 204
    assert not Contact.objects.filter(pk=created["id"]).exists()
    assert list(
        ObjectChange.objects.filter(content_type__model="contact")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["create", "update", "delete"]


def test_the_log_names_the_accounts_team_from_other_teams_and_nobody_else(client, world):
    """The owner (team East) may name the account's presales engineer (team West) on a visit, in the form
    and the API; a West member who has nothing to do with the account is not offered and is refused."""
    client.force_login(world.owner)
    url = reverse("accounts:interaction_create", args=[world.account.pk])
    offered = set(client.get(url).context["form"].fields["our_people"].queryset)
    assert offered == {world.owner, world.east_manager, world.teammate}
    data = {
        "kind": "visit",
        "occurred_on": "2026-11-20",
        "content": "现场交流",
        "our_people": [world.teammate.pk],
    }
    assert client.post(url, data).status_code == 302
    assert list(Interaction.objects.get().our_people.all()) == [world.teammate]
    api = APIClient()
    api.force_authenticate(world.owner)
    payload = {"account": world.account.pk, "kind": "visit", "occurred_on": "2026-11-21", "content": "x"}
    made = api.post("/api/interactions/", {**payload, "our_people": [world.teammate.pk]}, format="json")
    assert made.status_code == 201 and made.json()["our_people"] == [world.teammate.pk]
    refused = api.post("/api/interactions/", {**payload, "our_people": [world.outsider.pk]}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["our_people"]
    assert Interaction.objects.count() == 2


def test_a_next_step_cannot_be_due_before_the_contact(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("accounts:interaction_create", args=[world.account.pk]),
        {
            "kind": "visit",
            "occurred_on": "2026-11-27",
            "content": "x",
            "next_step": "Send the proposal",
            "next_step_due": "2026-11-20",
        },
    )
    assert list(response.context["form"].errors) == ["next_step_due"]
    assert Interaction.objects.count() == 0


def test_an_entry_saved_before_the_due_date_rule_can_still_be_ticked_off(client, world):
    entry = services.interaction_create(
        actor=world.owner,
        account=world.account,
        data={"kind": "visit", "occurred_on": datetime.date(2026, 1, 1), "content": "x", "next_step": "Call"},
    )
    Interaction.objects.filter(pk=entry.pk).update(  # as an older version of KAM let it be saved
        occurred_on=datetime.date(2026, 1, 10), next_step_due=datetime.date(2026, 1, 5)
    )
    client.force_login(world.owner)
    toggle = client.post(
        reverse("accounts:next_step_toggle", args=[entry.pk]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert toggle.status_code == 200
    entry.refresh_from_db()
    assert entry.next_step_done and entry.next_step_due == datetime.date(2026, 1, 5)


def test_an_api_update_names_people_of_the_entrys_own_account_and_keeps_deactivated_ones(world):
    second = AccountFactory(name="Second", code="S2", owner=world.owner)
    second.team_members.create(user=world.outsider, role="presales")
    api = APIClient()
    api.force_authenticate(world.owner)
    payload = {"account": world.account.pk, "kind": "visit", "occurred_on": "2026-11-21", "content": "x"}
    entry = api.post(
        "/api/interactions/", {**payload, "our_people": [world.teammate.pk]}, format="json"
    ).json()
    url = f"/api/interactions/{entry['id']}/"
    moved = api.patch(url, {"account": second.pk, "our_people": [world.outsider.pk]}, format="json")
    assert moved.status_code == 400 and list(moved.json()) == ["our_people"]
    world.teammate.is_active = False
    world.teammate.save(update_fields=["is_active"])
    kept = api.put(
        url,
        {**payload, "content": "y", "our_people": [world.teammate.pk], "version": entry["version"]},
        format="json",
    )
    assert kept.status_code == 200 and kept.json()["our_people"] == [world.teammate.pk]
    assert Interaction.objects.get(pk=entry["id"]).content == "y"


def test_an_account_with_deals_is_not_deleted_and_the_page_says_why(client, world):
    from kam.buyingcenter.tests.factories import make_opportunity

    make_opportunity(account=world.account, actor=world.owner, name="Call centre")
    ContactFactory(account=world.account, name="Li")
    audit_entries = ObjectChange.objects.count()
    client.force_login(world.owner)
    url = reverse("accounts:delete", args=[world.account.pk])

    page = client.get(url)
    assert page.context["blockers"] == ["Opportunities: 1"]
    assert b'data-testid="delete-blockers"' in page.content and b"btn-danger" not in page.content

    refused = client.post(url, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "This account cannot be deleted while these records refer to it: Opportunities: 1. "
        "Set its status to Closed to keep it out of the way."
    ]
    api = APIClient()
    api.force_authenticate(world.owner)
    answer = api.delete(f"/api/accounts/{world.account.pk}/")
    assert answer.status_code == 400 and list(answer.json()) == ["non_field_errors"]
    assert Account.objects.filter(pk=world.account.pk).exists()
    assert world.account.contacts.count() == 1
    assert ObjectChange.objects.count() == audit_entries


def test_only_people_who_may_change_the_account_are_offered_to_tick_a_next_step_off(client, world):
    step = services.interaction_create(
        actor=world.owner,
        account=world.account,
        data={
            "kind": "visit",
            "occurred_on": datetime.date(2026, 11, 20),
            "content": "Met",
            "next_step": "Send the offer",
        },
    )
    toggle = reverse("accounts:next_step_toggle", args=[step.pk]).encode()
    for person, offered in [(world.owner, True), (world.auditor, False)]:
        client.force_login(person)
        page = client.get(reverse("accounts:detail", args=[world.account.pk])).content
        assert b"Send the offer" in page
        assert (toggle in page) is offered


def test_deleting_a_contact_says_what_goes_with_it(client, world):
    from kam.buyingcenter.tests.factories import make_opportunity, make_stakeholder

    opportunity = make_opportunity(account=world.account, actor=world.owner)
    person = make_stakeholder(opportunity=opportunity, actor=world.owner, name="张华")
    client.force_login(world.owner)
    page = client.get(reverse("accounts:contact_delete", args=[person.contact_id]))
    assert page.context["object"] == person.contact
    assert "<li>Stakeholders: 1</li>" in page.content.decode()


def test_deleting_an_account_lists_what_goes_with_it_first(client, world):
    from decimal import Decimal

    from kam.accounts.selectors import account_delete_blockers
    from kam.tiering import services as tiering_services

    tiering_services.transaction_create(
        actor=world.owner,
        account=world.account,
        data={"order_no": "S-1", "ordered_on": datetime.date(2026, 11, 2), "amount": Decimal("100.00")},
    )
    ContactFactory(account=world.account, name="Li")
    assert account_delete_blockers(account=world.account) == []
    client.force_login(world.owner)
    page = client.get(reverse("accounts:delete", args=[world.account.pk])).content.decode()
    listed = page.split('data-testid="deleted-with"')[1].split("</ul>")[0]
    assert "<li>Transactions: 1</li>" in listed and "<li>Contacts: 1</li>" in listed
