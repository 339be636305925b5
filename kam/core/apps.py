from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kam.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from kam.core import lookups  # noqa: F401 (registers `__any`)
