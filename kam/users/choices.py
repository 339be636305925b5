from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user may see and do (ARCHITECTURE §3, access model)."""

    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    AUDITOR = "auditor", _("Auditor (read-only)")


class TeamKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    REGION = "region", _("Region")
    INDUSTRY_DIVISION = "industry_division", _("Industry division")
