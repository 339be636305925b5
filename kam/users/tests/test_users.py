"""Deactivation, API tokens, handover — the people side of the system of record."""

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from knox.models import AuthToken

from kam.accounts.models import Account, Interaction
from kam.accounts.tests.factories import AccountFactory, InteractionFactory
from kam.audit.models import ObjectChange
from kam.users.handover import handover_execute, handover_preview
from kam.users.services import token_create, user_deactivate


def _token_header(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_token_create_command_prints_the_key_last_and_it_works(client, world):
    out = io.StringIO()
    call_command("token", "create", "owner", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip().splitlines()[-1]
    response = client.get("/api/accounts/", **_token_header(key))
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["SPD Bank"]
    stored = AuthToken.objects.get(user=world.owner)
    assert key not in (stored.digest, stored.token_key)
    assert stored.expiry is not None


def test_revoked_and_wrong_tokens_are_refused(client, world):
    token, key = token_create(user=world.owner, actor=world.owner)
    assert client.get("/api/accounts/", **_token_header(key + "x")).status_code == 401
    client.post(reverse("users:token_revoke", args=[token.token_key]))  # anonymous: no effect
    assert AuthToken.objects.filter(pk=token.pk).exists()
    client.force_login(world.owner)
    client.post(reverse("users:token_revoke", args=[token.token_key]))
    client.logout()
    assert client.get("/api/accounts/", **_token_header(key)).status_code == 401


def test_deactivation_ends_sessions_and_tokens(client, world):
    _token, key = token_create(user=world.owner, actor=world.admin)
    client.post(reverse("login"), {"username": "owner", "password": "pw-for-tests-1"})
    assert client.get(reverse("accounts:list")).status_code == 200
    assert Session.objects.count() == 1

    user_deactivate(user=world.owner, actor=world.admin)

    assert client.get(reverse("accounts:list")).status_code == 302
    assert Session.objects.count() == 0
    assert AuthToken.objects.filter(user=world.owner).count() == 0
    assert client.get("/api/accounts/", **_token_header(key)).status_code == 401
    change = ObjectChange.objects.filter(object_id=str(world.owner.pk), content_type__model="user").latest(
        "id"
    )
    assert change.changed_fields == ["is_active"]
    assert change.actor == world.admin


def test_only_admins_deactivate(world):
    with pytest.raises(PermissionDenied):
        user_deactivate(user=world.owner, actor=world.manager)
    world.owner.refresh_from_db()
    assert world.owner.is_active


def test_handover_moves_exactly_what_the_preview_showed(world):
    second = AccountFactory(name="Second", owner=world.owner)
    open_step = InteractionFactory(account=world.account, owner=world.owner, next_step="Send the quote")
    InteractionFactory(
        account=world.account, owner=world.owner, next_step="Done already", next_step_done=True
    )
    InteractionFactory(account=world.account, owner=world.owner, next_step="")
    preview = {line.key: line.count for line in handover_preview(from_user=world.owner)}
    assert preview == {"accounts": 2, "next_steps": 1, "opportunities": 0, "counterpart_pairs": 0}
    audit_before = ObjectChange.objects.count()

    moved = handover_execute(from_user=world.owner, to_user=world.teammate, actor=world.admin)

    assert moved == preview
    assert set(Account.objects.filter(owner=world.teammate).values_list("pk", flat=True)) == {
        world.account.pk,
        second.pk,
    }
    assert list(Interaction.objects.filter(owner=world.teammate).values_list("pk", flat=True)) == [
        open_step.pk
    ]
    assert Interaction.objects.filter(owner=world.owner).count() == 2  # done and step-less entries stay
    new = ObjectChange.objects.order_by("id")[audit_before:]
    assert [(c.content_type.model, c.changed_fields, c.actor_id) for c in new] == [
        ("account", ["owner"], world.admin.pk)
    ] * 2 + [("interaction", ["owner"], world.admin.pk)]
    assert {c.request_id for c in new} == {new[0].request_id}
    assert {line.key: line.count for line in handover_preview(from_user=world.owner)} == {
        "accounts": 0,
        "next_steps": 0,
        "opportunities": 0,
        "counterpart_pairs": 0,
    }


def test_handover_refused_for_a_member_and_to_oneself(world):
    with pytest.raises(PermissionDenied):
        handover_execute(from_user=world.owner, to_user=world.teammate, actor=world.outsider)
    with pytest.raises(ValidationError):
        handover_execute(from_user=world.owner, to_user=world.owner, actor=world.admin)
    assert Account.objects.get(pk=world.account.pk).owner == world.owner


def test_east_manager_cannot_hand_over_to_someone_outside_their_team(world):
    with pytest.raises(PermissionDenied):
        handover_execute(from_user=world.owner, to_user=world.outsider, actor=world.east_manager)
    assert Account.objects.get(pk=world.account.pk).owner == world.owner


def test_handover_page_previews_then_moves(client, world):
    client.force_login(world.admin)
    preview = client.get(
        reverse("users:handover"), {"from_user": world.owner.pk, "to_user": world.teammate.pk}
    )
    assert [(line.key, line.count) for line in preview.context["preview"]] == [
        ("accounts", 1),
        ("next_steps", 0),
        ("opportunities", 0),
        ("counterpart_pairs", 0),
    ]
    response = client.post(
        reverse("users:handover"),
        {"from_user": world.owner.pk, "to_user": world.teammate.pk, "confirm": "1", "deactivate": "on"},
    )
    assert response.context["moved"] == {
        "accounts": 1,
        "next_steps": 0,
        "opportunities": 0,
        "counterpart_pairs": 0,
    }
    world.owner.refresh_from_db()
    assert not world.owner.is_active
    assert Account.objects.get(pk=world.account.pk).owner == world.teammate


def test_createadmin_command(db):
    call_command("createadmin", "boss", "--password", "a-Strong-passw0rd!", stdout=io.StringIO())
    from kam.users.models import User

    boss = User.objects.get(username="boss")
    assert (boss.role, boss.is_superuser, boss.check_password("a-Strong-passw0rd!")) == ("admin", True, True)
    assert ObjectChange.objects.filter(object_id=str(boss.pk), action="create").count() == 1


def test_handover_message_names_each_kind_in_the_users_language(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("users:handover"),
        {"from_user": world.owner.pk, "to_user": world.teammate.pk, "confirm": "1"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"Handover done: 1 records moved to {world.teammate} "
        "(Accounts owned 1 · Open next steps 0 · Open opportunities 0 · Counterpart pairs 0)."
    ]
    assert b"next_steps" not in response.content


def test_auditors_do_not_see_the_handover_link_managers_do(client, world):
    def links(user):
        client.force_login(user)
        page = client.get(reverse("home"))
        return [item["name"] for section in page.context["sidebar"] for item in section["items"]]

    assert "users:handover" not in links(world.auditor)
    assert "audit:list" in links(world.auditor)
    assert "users:handover" in links(world.manager)
    assert "users:handover" not in links(world.owner) and "audit:list" not in links(world.owner)


def test_tokens_page_shows_the_header_format_literally(client, world):
    client.force_login(world.owner)
    assert "Authorization: Token &lt;key&gt;" in client.get(reverse("users:tokens")).content.decode()
