"""The audit log: one immutable ObjectChange per create/update/delete, whatever the path."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from kam.core.models import RestrictedQuerySet


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")


class AppendOnlyQuerySet(RestrictedQuerySet):
    """Bulk update/delete would bypass the model's guard, so they are refused too."""

    def update(self, **kwargs):
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit entries cannot be deleted.")


#: actor_repr of writes made without a signed-in person (commands, migrations, the demo).
SYSTEM_ACTOR = "system"


class ObjectChange(models.Model):
    """Who changed what, when, in which request, with the record's state before and after."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, db_index=False, verbose_name=_("record type")
    )  # covered by audit_object_idx
    object_id = models.CharField(_("record id"), max_length=150)  # knox token ids are 128-char digests
    object_repr = models.CharField(_("record"), max_length=300)
    #: {language code: the record's name} when its name differs by language (a kind, a stage, an
    #: English name beside the Chinese one); None when it reads the same in every language.
    object_reprs = models.JSONField(_("record in each language"), null=True, blank=True)
    account_id = models.BigIntegerField(_("account id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    actor_repr = models.CharField(_("changed by"), max_length=150, blank=True)
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")

    @property
    def title(self) -> str:
        """The record's name in the reader's language, as it was when the change was made."""
        if self.object_reprs:
            return self.object_reprs.get(get_language(), self.object_repr)
        return self.object_repr

    @property
    def actor_label(self) -> str:
        """Who, as people are named elsewhere (callers load `actor` with the entry); writes without a
        signed-in person are the system's, in the reader's language."""
        if self.actor_id:
            return str(self.actor)
        return self.actor_repr if self.actor_repr != SYSTEM_ACTOR else gettext("System")
