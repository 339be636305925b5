from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    """Key-account service (五个台阶, METHODOLOGY M5): relationship stages, the 25-cell grid, loyalty."""

    name = "kam.service"
    label = "service"
    verbose_name = _("Service")
