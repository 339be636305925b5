from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Strategic planning (六步分析法, M2): industry attractiveness and the six-step account plan."""

    name = "kam.planning"
    label = "planning"
    verbose_name = _("Planning")
