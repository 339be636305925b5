"""Writes for accounts, account teams, contacts and the contact log. Every one is audited."""

from contextlib import nullcontext
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kam.accounts import selectors
from kam.accounts.choices import Currency
from kam.accounts.models import Account, AccountTeamMember, Contact, ExchangeRate, Industry, Interaction
from kam.core.exceptions import StaleEditError
from kam.core.owner_changes import owner_change
from kam.core.services import create_instance, delete_instance, update_instance
from kam.users.services import ensure_admin, ensure_can_write

ACCOUNT_FIELDS = {f.name for f in Account._meta.concrete_fields} - {
    "id",
    "created_at",
    "updated_at",
    "version",
}


@transaction.atomic
def industry_create(*, actor, code: str, name: str, name_en: str = "") -> Industry:
    ensure_can_write(actor)
    return create_instance(instance=Industry(code=code, name=name, name_en=name_en), actor=actor)


@transaction.atomic
def industry_update(
    *, industry: Industry, actor, data: dict, expected_version: int | None = None
) -> Industry:
    ensure_can_write(actor)
    return update_instance(instance=industry, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def exchange_rate_set(
    *, actor, currency: str, rate: Decimal | str, expected_version: int | None = None
) -> ExchangeRate:
    """Set what one unit of `currency` is worth in the reporting currency (administrators only, audited).

    The rate must be greater than 0, with at most six decimals; the reporting currency is always 1 and
    cannot be set. Totals read the rates when they are shown: nothing needs rebuilding after a change.
    """
    ensure_admin(actor)
    ensure_can_write(actor)
    if currency not in Currency.values:
        raise ValidationError({"currency": _("Choose one of the currencies KAM knows.")})
    if currency == settings.KAM_REPORTING_CURRENCY:
        raise ValidationError(
            {"currency": _("The reporting currency is always worth 1; it has no exchange rate to set.")}
        )
    try:
        rate = Decimal(str(rate).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"rate": _("Enter the exchange rate as a number, e.g. 7.1.")}) from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationError({"rate": _("The exchange rate must be greater than 0.")})
    existing = ExchangeRate.objects.select_for_update().filter(currency=currency).first()
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: another administrator may set the first rate meanwhile
                return create_instance(instance=ExchangeRate(currency=currency, rate=rate), actor=actor)
        except IntegrityError:
            raise StaleEditError() from None
    if existing.rate == rate and expected_version in (None, existing.version):
        return existing
    return update_instance(
        instance=existing, actor=actor, data={"rate": rate}, expected_version=expected_version
    )


@transaction.atomic
def account_create(*, actor, data: dict) -> Account:
    """Create an account; its owner defaults to the person creating it."""
    ensure_can_write(actor)
    data = {"owner": actor, **data}
    return create_instance(instance=Account(**data), actor=actor)


@transaction.atomic
def account_update(*, account: Account, actor, data: dict, expected_version: int | None = None) -> Account:
    ensure_can_write(actor)
    changing_owner = {"owner", "owner_id"} & set(data)
    with owner_change(Account, [account.pk]) if changing_owner else nullcontext():
        return update_instance(instance=account, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def account_delete(*, account: Account, actor) -> None:
    """Delete an account with its contacts and contact log; each deleted record is audited.

    Refused, with nothing deleted, while protected records refer to it (its deals).
    """
    ensure_can_write(actor)
    blockers = selectors.account_delete_blockers(account=account)
    if blockers:
        raise ValidationError(
            _(
                "This account cannot be deleted while these records refer to it: %(records)s. "
                "Set its status to Closed to keep it out of the way."
            )
            % {"records": "; ".join(blockers)}
        )
    for interaction in account.interactions.all():
        delete_instance(instance=interaction, actor=actor)
    for contact in account.contacts.all():
        delete_instance(instance=contact, actor=actor)
    for member in account.team_members.all():
        delete_instance(instance=member, actor=actor)
    delete_instance(instance=account, actor=actor)


@transaction.atomic
def account_team_add(*, account: Account, actor, user, role: str) -> AccountTeamMember:
    """Put `user` on the account team (or change their role if already there)."""
    ensure_can_write(actor)
    existing = AccountTeamMember.objects.filter(account=account, user=user).first()
    if existing and existing.role == role:
        return existing
    if existing:
        return update_instance(instance=existing, actor=actor, data={"role": role})
    return create_instance(instance=AccountTeamMember(account=account, user=user, role=role), actor=actor)


@transaction.atomic
def account_team_remove(*, member: AccountTeamMember, actor) -> None:
    ensure_can_write(actor)
    delete_instance(instance=member, actor=actor)


@transaction.atomic
def contact_create(*, actor, account: Account, data: dict) -> Contact:
    ensure_can_write(actor)
    return create_instance(instance=Contact(account=account, **data), actor=actor)


@transaction.atomic
def contact_update(*, contact: Contact, actor, data: dict, expected_version: int | None = None) -> Contact:
    ensure_can_write(actor)
    return update_instance(instance=contact, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def contact_set_reports_to(*, contact: Contact, actor, manager: Contact | None) -> Contact:
    """Re-attach a contact in the org chart (from the chart or the form)."""
    ensure_can_write(actor)
    return update_instance(instance=contact, actor=actor, data={"reports_to": manager})


@transaction.atomic
def contact_delete(*, contact: Contact, actor) -> None:
    """Delete a contact; their direct reports move up to the contact's own manager."""
    ensure_can_write(actor)
    for report in contact.direct_reports.all():
        update_instance(instance=report, actor=actor, data={"reports_to": contact.reports_to})
    delete_instance(instance=contact, actor=actor)


def _people(data: dict) -> tuple[dict, dict]:
    data = dict(data)
    m2m = {key: data.pop(key) for key in ("our_people", "their_people") if key in data}
    return data, m2m


@transaction.atomic
def interaction_create(*, actor, account: Account, data: dict) -> Interaction:
    """Log a contact (M3.6); the person logging it owns its next step unless told otherwise."""
    ensure_can_write(actor)
    fields, m2m = _people(data)
    fields = {"owner": actor, **fields}
    return create_instance(instance=Interaction(account=account, **fields), actor=actor, m2m=m2m)


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, actor, data: dict, expected_version: int | None = None
) -> Interaction:
    ensure_can_write(actor)
    fields, m2m = _people(data)
    return update_instance(
        instance=interaction, actor=actor, data=fields, expected_version=expected_version, m2m=m2m
    )


@transaction.atomic
def interaction_complete_next_step(*, interaction: Interaction, actor, done: bool = True) -> Interaction:
    ensure_can_write(actor)
    return update_instance(instance=interaction, actor=actor, data={"next_step_done": done})


@transaction.atomic
def interaction_delete(*, interaction: Interaction, actor) -> None:
    ensure_can_write(actor)
    delete_instance(instance=interaction, actor=actor)
