"""The base every editable record shares: timestamps, an optimistic-locking version, restrict()."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see or change."""

    def restrict(self, user, action: str = "view"):
        from kam.users.access import restrict

        return restrict(self, user, action)


class TimeStampedModel(models.Model):
    """Created/updated times plus `version`, bumped on every save by a service (optimistic locking)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
