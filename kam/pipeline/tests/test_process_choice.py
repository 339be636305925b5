"""A new opportunity picks its process (per business line); an existing one keeps it."""

import pytest
from django.urls import reverse

from kam.pipeline.models import Opportunity, SalesProcess


@pytest.fixture
def services_line(db):
    process = SalesProcess.objects.create(name="Managed services")
    process.stages.create(order=1, code="L", name="Lead", probability=10)
    process.stages.create(order=2, code="W", name="Won", probability=100)
    SalesProcess.objects.create(name="Draft line without stages")
    return process


def _new(client, world, **extra):
    client.force_login(world.owner)
    data = {"account": world.account.pk, "name": "Help desk", "amount": "800000", "currency": "CNY", **extra}
    return client.post(reverse("pipeline:create"), data)


def test_one_process_needs_no_choice(client, world):
    client.force_login(world.owner)
    page = client.get(reverse("pipeline:create"))
    assert "process" not in page.context["form"].fields
    assert _new(client, world).status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.process.is_default, opportunity.stage.code) == (True, "G")


def test_the_process_of_a_business_line_is_offered_and_used(client, world, services_line):
    client.force_login(world.owner)
    field = client.get(reverse("pipeline:create")).context["form"].fields["process"]
    default = SalesProcess.objects.get(is_default=True)
    assert [p.name for p in field.queryset] == [default.name, "Managed services"]
    assert field.initial == default.pk

    assert _new(client, world, process=services_line.pk).status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.process, opportunity.stage.code) == (services_line, "L")
    assert list(opportunity.transitions.values_list("from_stage", "to_stage__code")) == [(None, "L")]

    edit = client.get(reverse("pipeline:edit", args=[opportunity.pk]))
    assert "process" not in edit.context["form"].fields


def test_a_process_without_stages_is_refused(client, world, services_line):
    draft = SalesProcess.objects.get(name="Draft line without stages")
    response = _new(client, world, process=draft.pk)
    assert response.status_code == 200
    assert "process" in response.context["form"].errors
    assert Opportunity.objects.count() == 0


def test_the_edit_form_shows_the_account_read_only(client, world):
    assert _new(client, world).status_code == 302
    opportunity = Opportunity.objects.get()
    page = client.get(reverse("pipeline:edit", args=[opportunity.pk])).content.decode()
    read_only = '<input type="text" class="form-control" id="id_account" value="SPD Bank" readonly disabled>'
    assert read_only in page
    assert 'name="account"' not in page and 'name="account__q"' not in page


def test_the_move_form_offers_the_next_stage_and_a_move_to_the_same_stage_changes_nothing(client, world):
    assert _new(client, world).status_code == 302
    opportunity = Opportunity.objects.get()
    page = client.get(reverse("pipeline:detail", args=[opportunity.pk]))
    assert page.context["move_form"]["stage"].initial == opportunity.process.stages.get(code="F").pk
    response = client.post(
        reverse("pipeline:move", args=[opportunity.pk]), {"stage": opportunity.stage_id}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "The opportunity is already at G Customer planning & phone appointment (10%)."
    ]
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.transitions.count(), opportunity.version) == ("G", 1, 1)
