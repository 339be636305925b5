"""Audit entries for planning records deleted by a cascade from another app (deleting an account takes its
plans, their measures and resources). Deletions our own services start are audited by them, so skipped."""

from kam.audit.services import audit_delete


def _app_label(origin) -> str | None:
    model = getattr(origin, "model", None) or type(origin)
    meta = getattr(model, "_meta", None)
    return meta.app_label if meta else None


def audit_cascaded_delete(sender, instance, origin=None, **kwargs):
    if origin is None or _app_label(origin) == "planning":
        return
    audit_delete(instance=instance, actor=None)
