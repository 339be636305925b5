"""Every write path leaves exactly the expected ObjectChange, and nobody can alter the log."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from kam.accounts.models import Account, Contact
from kam.audit.models import ObjectChange


def _new_changes(before_id):
    return list(ObjectChange.objects.filter(id__gt=before_id).order_by("id"))


def _last_id():
    return ObjectChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_form_create_update_delete_are_audited(client, world):
    client.force_login(world.owner)
    start = _last_id()
    client.post(reverse("accounts:create"), {"name": "Audit Co", "status": "prospect", "currency": "CNY"})
    account = Account.objects.get(name="Audit Co")
    client.post(
        reverse("accounts:edit", args=[account.pk]),
        {"name": "Audit Co 2", "status": "active", "currency": "CNY", "version": 1},
    )
    client.post(reverse("accounts:delete", args=[account.pk]))
    changes = _new_changes(start)
    assert [(c.action, c.object_id, c.actor_id) for c in changes] == [
        ("create", str(account.pk), world.owner.pk),
        ("update", str(account.pk), world.owner.pk),
        ("delete", str(account.pk), world.owner.pk),
    ]
    assert changes[1].changed_fields == ["name", "status"]
    assert (changes[1].before["name"], changes[1].after["name"]) == ("Audit Co", "Audit Co 2")
    assert changes[2].after is None and changes[2].before["name"] == "Audit Co 2"
    assert len({c.request_id for c in changes}) == 3
    assert all(c.account_id == account.pk for c in changes)


def test_api_writes_are_audited_with_the_request_id(world):
    api = APIClient()
    api.force_authenticate(world.owner)
    start = _last_id()
    response = api.post(
        "/api/contacts/",
        {"account": world.account.pk, "name": "林智勇", "title": "IT manager"},
        format="json",
        HTTP_X_REQUEST_ID="req-1234567890",
    )
    assert response.status_code == 201
    assert response["X-Request-ID"] == "req-1234567890"
    [change] = _new_changes(start)
    assert (change.action, change.content_type.model, change.request_id, change.account_id) == (
        "create",
        "contact",
        "req-1234567890",
        world.account.pk,
    )
    assert change.after["name"] == "林智勇"


def test_interaction_people_are_part_of_the_audited_state(world):
    api = APIClient()
    api.force_authenticate(world.owner)
    contact = Contact.objects.create(account=world.account, name="黄艾香")
    start = _last_id()
    response = api.post(
        "/api/interactions/",
        {
            "account": world.account.pk,
            "kind": "visit",
            "occurred_on": "2026-11-20",
            "content": "Demo",
            "our_people": [world.owner.pk],
            "their_people": [contact.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    [change] = _new_changes(start)
    assert (change.after["our_people"], change.after["their_people"]) == ([world.owner.pk], [contact.pk])


def test_management_commands_are_audited(db):
    start = _last_id()
    call_command("demo", stdout=io.StringIO())
    changes = _new_changes(start)
    assert len(changes) == ObjectChange.objects.count() - start
    # reference data by the system; the demo account managers tick their own exit criteria and move;
    # the demo admin runs the tiering (only admins recompute)
    assert {c.actor_repr for c in changes} == {"system", "admin", "linshan", "zhangwei", "wangfang"}
    assert sorted({(c.actor_repr, c.content_type.model) for c in changes if c.actor_id}) == [
        ("admin", "account"),  # the tiering run writes each account's tier
        ("admin", "tieringmodel"),
        ("admin", "tieringrun"),
        ("linshan", "criterioncheck"),
        ("linshan", "opportunity"),
        ("linshan", "progressreport"),
        ("linshan", "reportinfluencer"),
        ("linshan", "stagetransition"),
        ("wangfang", "opportunity"),
        ("wangfang", "stagetransition"),
        ("zhangwei", "criterioncheck"),
        ("zhangwei", "opportunity"),
        ("zhangwei", "stagetransition"),
    ]
    assert len({c.request_id for c in changes}) == 1
    # idempotent: a second run writes nothing
    again = _last_id()
    call_command("demo", stdout=io.StringIO())
    assert _new_changes(again) == []


def test_audit_rows_cannot_be_changed_or_deleted(world):
    world.account.name = "x"
    from kam.accounts.services import account_update

    account_update(account=world.account, actor=world.owner, data={"name": "New name"})
    change = ObjectChange.objects.latest("id")
    change.object_repr = "tampered"
    with pytest.raises(PermissionDenied):
        change.save()
    with pytest.raises(PermissionDenied):
        change.delete()
    with pytest.raises(PermissionDenied):
        ObjectChange.objects.filter(pk=change.pk).update(object_repr="tampered")
    with pytest.raises(PermissionDenied):
        ObjectChange.objects.all().delete()
    assert ObjectChange.objects.get(pk=change.pk).object_repr == "New name"


def test_admin_site_cannot_edit_or_delete_audit_rows(client, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    from kam.accounts.services import account_update

    account_update(account=world.account, actor=world.owner, data={"name": "Renamed"})
    change = ObjectChange.objects.latest("id")
    client.force_login(world.admin)
    assert client.get(reverse("admin:audit_objectchange_changelist")).status_code == 200
    detail = client.get(reverse("admin:audit_objectchange_change", args=[change.pk]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    response = client.post(reverse("admin:audit_objectchange_change", args=[change.pk]), {"object_repr": "x"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:audit_objectchange_delete", args=[change.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ObjectChange.objects.get(pk=change.pk).object_repr == "Renamed"


def test_there_is_no_api_to_write_the_audit_log(world):
    api = APIClient()
    api.force_authenticate(world.admin)
    assert api.post("/api/audit/", {}, format="json").status_code == 404


def test_history_on_the_account_page(client, world):
    from kam.accounts.services import contact_create

    contact_create(actor=world.owner, account=world.account, data={"name": "郑师超"})
    client.force_login(world.teammate)
    history = client.get(reverse("accounts:detail", args=[world.account.pk])).context["history"]
    assert [(c.action, c.content_type.model, c.object_repr) for c in history] == [
        ("create", "contact", "郑师超")
    ]
    client.force_login(world.outsider)
    audit_page = client.get(reverse("audit:list")).context["page"].rows
    assert list(audit_page) == []


def test_admin_site_edits_of_people_and_teams_are_audited(client, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    start = _last_id()
    response = client.post(
        reverse("admin:users_team_add"), {"name": "South", "kind": "region", "parent": world.hq.pk}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:users_team_change", args=[world.east.pk]),
        {"name": "East China", "kind": "region", "parent": world.hq.pk},
    )
    assert response.status_code == 302
    changes = _new_changes(start)
    assert [(c.action, c.object_repr, c.changed_fields[:2]) for c in changes] == [
        ("create", "South", ["id", "kind"]),
        ("update", "East China", ["kind", "name"]),
    ]
    assert {c.actor_id for c in changes} == {world.admin.pk}


def test_each_reader_sees_the_record_named_in_their_own_language(client, world):
    """A Chinese writer's contact-log entry reads "… · Visit · …" to an English reader, and the reverse."""
    from django.utils import translation

    from kam.accounts.services import interaction_create
    from kam.imports.services import import_file

    since = _last_id()
    with translation.override("zh-hans"):
        entry = interaction_create(
            actor=world.owner,
            account=world.account,
            data={"kind": "visit", "occurred_on": datetime.date(2026, 11, 20), "content": "x"},
        )
    with translation.override("en"):
        import_file(kind="accounts", actor=world.owner, file_name="a.csv", data=b"code,name\nN1,Nord\n")
    logged, imported = _new_changes(since)
    assert (logged.object_repr, logged.object_reprs) == (
        "2026-11-20 · 拜访 · SPD Bank",
        {"en": "2026-11-20 · Visit · SPD Bank", "zh-hans": "2026-11-20 · 拜访 · SPD Bank"},
    )
    assert (imported.object_repr, imported.object_reprs) == ("Nord", None)  # the same in every language

    client.force_login(world.owner)
    url = reverse("accounts:detail", args=[world.account.pk])
    for language, expected in logged.object_reprs.items():
        page = client.get(url, headers={"accept-language": language}).content.decode()
        assert f"· {expected}</td>" in page
    assert entry.pk == int(logged.object_id)


def test_the_audit_log_filters_by_person_record_type_action_account_and_day(client, world):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from kam.accounts.services import account_update, contact_create

    contact_create(actor=world.owner, account=world.account, data={"name": "郑师超"})
    account_update(account=world.account, actor=world.owner, data={"region": "上海"})
    contact_create(actor=world.outsider, account=world.other_account, data={"name": "Wu"})
    client.force_login(world.auditor)
    url = reverse("audit:list")

    def shown(**query):
        page = client.get(url, query).context["page"]
        return sorted((c.actor_repr, c.action, c.content_type.model, c.title) for c in page.rows)

    contact = ContentType.objects.get_for_model(Contact).pk
    assert shown(actor=world.owner.pk) == [
        ("owner", "create", "contact", "郑师超"),
        ("owner", "update", "account", "SPD Bank"),
    ]
    assert shown(content_type=contact) == [
        ("outsider", "create", "contact", "Wu"),
        ("owner", "create", "contact", "郑师超"),
    ]
    assert shown(action="update") == [("owner", "update", "account", "SPD Bank")]
    assert shown(account=world.other_account.pk) == [("outsider", "create", "contact", "Wu")]
    today = timezone.localdate()
    assert len(shown(since=today, until=today)) == 3
    assert shown(until=today - datetime.timedelta(days=1)) == []
    assert shown(since=today + datetime.timedelta(days=1)) == []
    assert len(shown(since="0001-01-01", until="9999-12-31")) == 3  # the calendar's edges bound nothing


def test_the_account_page_links_to_the_rest_of_its_history(client, world):
    from kam.accounts.services import account_update

    link = f'href="/audit/?account={world.account.pk}" data-testid="history-more"'
    url = reverse("accounts:detail", args=[world.account.pk])
    client.force_login(world.owner)
    for number in range(50):
        account_update(account=world.account, actor=world.owner, data={"region": f"R{number}"})
    assert link not in client.get(url).content.decode()  # all 50 are on the page
    account_update(account=world.account, actor=world.owner, data={"region": "R50"})
    page = client.get(url)
    assert len(page.context["history"]) == 50 and link in page.content.decode()
