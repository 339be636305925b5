"""Audit entries for service records deleted by a cascade from another app (an account or a contact).

Service records are never deleted by this app's own services, so every deletion seen here comes from
elsewhere; the audit keeps each record's last state under the same request id.
"""

from kam.audit.services import audit_delete


def audit_cascaded_delete(sender, instance, origin=None, **kwargs):
    audit_delete(instance=instance, actor=None)
