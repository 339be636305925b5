from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kam.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from kam.users import access

        access.register_policy("audit.ObjectChange", audit_policy)


def audit_policy(queryset, user, action):
    """Members and managers read the history of the accounts they can see; nobody writes it."""
    from kam.accounts.models import Account

    if action != "view":
        return queryset.none()
    return queryset.filter(account_id__in=Account.objects.restrict(user, "view").values("pk"))
