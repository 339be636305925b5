"""`kam generate`: exact counts, the same data for the same seed, a consistent org chart, audit."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import F

from kam.accounts.generate import generate
from kam.accounts.models import Account, AccountTeamMember, Contact, Industry, Interaction
from kam.audit.models import ObjectChange
from kam.users.models import Team, User

TODAY = datetime.date(2026, 3, 1)


def _names():
    return (
        list(Account.objects.order_by("code").values_list("name", flat=True)),
        list(Contact.objects.order_by("code").values_list("name", "title", flat=False)),
        list(Interaction.objects.order_by("occurred_on", "kind", "content").values_list("kind", "content")),
    )


@pytest.mark.django_db
def test_exact_counts_and_reference_data():
    # Chunks of 7 accounts: several write transactions (and, on PostgreSQL, the pipelined build).
    result = generate(
        accounts=30, contacts_per_account=4, interactions=70, seed=3, owners=5, today=TODAY, chunk_accounts=7
    )

    assert (result.accounts, result.contacts, result.interactions) == (30, 120, 70)
    assert Account.objects.count() == 30
    assert Contact.objects.count() == 120
    assert Interaction.objects.count() == 70
    assert AccountTeamMember.objects.count() == result.team_members
    assert Interaction.their_people.through.objects.count() == result.interaction_people
    assert result.first_account_code == "GEN-0000001"
    assert result.last_account_code == "GEN-0000030"
    assert sorted(Account.objects.values_list("code", flat=True)) == [f"GEN-{i:07d}" for i in range(1, 31)]
    assert Industry.objects.count() == 10
    # 5 members owning accounts, a director and two regional managers, in a department with two regions.
    assert User.objects.filter(username__startswith="gen-owner-").count() == 5
    assert User.objects.filter(username__startswith="gen-", role="manager").count() == 3
    assert Team.objects.filter(name__startswith="生成数据").count() == 3
    owners = set(Account.objects.values_list("owner__username", flat=True))
    assert owners <= {f"gen-owner-{i:04d}" for i in range(1, 6)}
    assert all(Contact.objects.filter(account=a).count() == 4 for a in Account.objects.all())
    assert all(
        TODAY - datetime.timedelta(days=730) <= d <= TODAY
        for d in Interaction.objects.values_list("occurred_on", flat=True)
    )


@pytest.mark.django_db
def test_every_reports_to_is_in_the_same_account_with_one_top_person():
    generate(
        accounts=25, contacts_per_account=5, interactions=40, seed=11, owners=3, today=TODAY, audit=False,
        chunk_accounts=10,
    )  # fmt: skip

    with_manager = Contact.objects.filter(reports_to__isnull=False)
    assert with_manager.count() == 25 * 4
    assert not with_manager.exclude(reports_to__account_id=F("account_id")).exists()
    for account in Account.objects.all():
        tops = list(account.contacts.filter(reports_to__isnull=True))
        assert len(tops) == 1
        assert set(account.contacts.exclude(pk=tops[0].pk).values_list("reports_to_id", flat=True)) == {
            tops[0].pk
        }
    # the people met in the contact log belong to the interaction's account
    Through = Interaction.their_people.through
    assert not Through.objects.exclude(contact__account_id=F("interaction__account_id")).exists()


@pytest.mark.django_db
def test_same_seed_same_names_and_rerun_continues_the_codes():
    generate(accounts=20, contacts_per_account=2, interactions=30, seed=5, owners=4, today=TODAY, audit=False)
    first = _names()
    Interaction.objects.all().delete()
    Contact.objects.all().delete()
    Account.objects.all().delete()

    generate(accounts=20, contacts_per_account=2, interactions=30, seed=5, owners=4, today=TODAY, audit=False)
    assert _names() == first
    assert sorted(Account.objects.values_list("code", flat=True))[0] == "GEN-0000001"

    # A rerun with the same seed adds the same names under new codes instead of colliding.
    result = generate(accounts=20, contacts_per_account=2, seed=5, owners=4, today=TODAY, audit=False)
    assert (result.first_account_code, result.last_account_code) == ("GEN-0000021", "GEN-0000040")
    assert Account.objects.count() == 40
    names = list(Account.objects.order_by("code").values_list("name", flat=True))
    assert names[20:] == names[:20] == first[0]
    assert User.objects.filter(username__startswith="gen-owner-").count() == 4  # reused, not duplicated


@pytest.mark.django_db
def test_another_seed_gives_other_names():
    generate(accounts=15, contacts_per_account=1, seed=1, owners=2, today=TODAY, audit=False)
    one = list(Account.objects.order_by("code").values_list("name", flat=True))
    generate(accounts=15, contacts_per_account=1, seed=2, owners=2, today=TODAY, audit=False)
    two = list(Account.objects.order_by("code").values_list("name", flat=True))[15:]
    assert one != two


@pytest.mark.django_db
def test_audit_by_default_and_not_with_no_audit():
    before = ObjectChange.objects.count()
    result = generate(accounts=6, contacts_per_account=2, interactions=5, seed=9, owners=2, today=TODAY)
    kinds = {
        model: ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(model), action="create"
        ).count()
        for model in (Account, Contact, Interaction, AccountTeamMember)
    }
    assert kinds == {Account: 6, Contact: 12, Interaction: 5, AccountTeamMember: result.team_members}
    assert result.audit_entries == 6 + 12 + 5 + result.team_members
    entry = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Interaction)).first()
    assert sorted(entry.after["their_people"]) == sorted(
        Interaction.objects.get(pk=entry.object_id).their_people.values_list("pk", flat=True)
    )
    assert entry.account_id == Interaction.objects.get(pk=entry.object_id).account_id

    after_first = ObjectChange.objects.count()
    assert after_first > before
    generate(accounts=6, contacts_per_account=2, interactions=5, seed=9, owners=2, today=TODAY, audit=False)
    assert ObjectChange.objects.count() == after_first  # no new users or teams, no record entries


@pytest.mark.django_db
def test_the_command_prints_counts_and_speed():
    out = io.StringIO()
    call_command(
        "generate",
        "--accounts", "12", "--contacts-per-account", "2", "--interactions", "9", "--seed", "4",
        "--owners", "3", "--no-audit", "--no-progress", "--today", "2026-03-01",
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Generated 12 accounts (GEN-0000001 … GEN-0000012), 24 contacts, 9 interactions" in text
    assert "rows/s" in text
    assert Account.objects.count() == 12


@pytest.mark.django_db
def test_bad_counts_are_refused_and_nothing_is_written():
    with pytest.raises(ValueError):
        generate(accounts=-1)
    with pytest.raises(ValueError):
        generate(accounts=0, interactions=5)
    with pytest.raises(ValueError):
        generate(accounts=3, owners=0)
    assert Account.objects.count() == 0
