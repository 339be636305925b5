"""Audit entries for buying-center records deleted by a cascade from another app (and by a stakeholder's
removal, for the SPIN plans that go with them); the SPIN library's access rule.

Deleting a contact (kam.accounts) takes their stakeholder roles, weights, attitude history and counterpart
pairs with it; the accounts service audits only the contact. These receivers keep the last state of each
record that went with it, under the same request id (the actor is on the contact's entry). Deletions our
own services start are audited by those services, so they are skipped here.
"""

from kam.audit.services import audit_delete


def _app_label(origin) -> str | None:
    model = getattr(origin, "model", None) or type(origin)
    meta = getattr(model, "_meta", None)
    return meta.app_label if meta else None


def audit_cascaded_delete(sender, instance, origin=None, **kwargs):
    if origin is None or _app_label(origin) == "buyingcenter":
        return
    audit_delete(instance=instance, actor=None)


def audit_cascaded_spin_delete(sender, instance, origin=None, **kwargs):
    """SPIN plans and their questions go with their stakeholder, whoever removes the stakeholder (the buying
    center's own service, or a contact deleted in kam.accounts): audit each. The SPIN services audit what
    they delete themselves (their origin is a plan or a question asked)."""
    if origin is None or type(origin).__name__ in {"SpinPlan", "SpinStep"}:
        return
    audit_delete(instance=instance, actor=None)


def library_policy(queryset, user, action):
    """The SPIN library is shared reference data: everyone reads it, managers keep it (admins and auditors
    are settled by restrict() before this)."""
    from kam.users.choices import Role

    if action == "view" or user.role == Role.MANAGER:
        return queryset
    return queryset.none()
