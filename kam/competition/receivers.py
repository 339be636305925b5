"""Audit entries for competition records deleted by a cascade from another app.

Deleting an opportunity (kam.pipeline) takes its bid evaluations with it, deleting an account its matrices and
selling points; those services audit only their own record. These receivers keep the last state of each
record that went with it, under the same request id. Deletions our own services start are audited by those
services, so they are skipped here.
"""

from kam.audit.services import audit_delete


def _app_label(origin) -> str | None:
    model = getattr(origin, "model", None) or type(origin)
    meta = getattr(model, "_meta", None)
    return meta.app_label if meta else None


def audit_cascaded_delete(sender, instance, origin=None, **kwargs):
    if origin is None or _app_label(origin) == "competition":
        return
    audit_delete(instance=instance, actor=None)
