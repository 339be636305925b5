from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kam.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from kam.accounts import handover  # noqa: F401  (registers what a handover moves)
        from kam.users import access

        access.register_account_scoped("accounts.Account", "")
        for label in ("accounts.Contact", "accounts.Interaction", "accounts.AccountTeamMember"):
            access.register_account_scoped(label, "account__")
        access.register_policy("accounts.Industry", access.reference_data_policy)
        access.register_policy("accounts.ExchangeRate", access.reference_data_policy)
        access.register_policy("users.Team", access.reference_data_policy)
        access.register_policy("users.User", access.user_policy)
