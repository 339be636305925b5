from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kam.imports"
    label = "imports"
    verbose_name = _("Import and export")

    def ready(self):
        from kam.imports.selectors import import_job_policy
        from kam.users import access

        access.register_policy("imports.ImportJob", import_job_policy)
