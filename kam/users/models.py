"""Our people: users with a role, organised in a tree of teams."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.core.models import RestrictedQuerySet, TimeStampedModel
from kam.users.choices import Role, TeamKind


class Team(TimeStampedModel):
    """A department, region or industry division; teams nest, and managers see their sub-teams."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices, default=TeamKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent team"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="team_unique_name_in_parent")]

    #: What its label in a dropdown is made of (fast_select reads these columns, not whole teams).
    choice_label_fields = ("name",)

    def __str__(self):
        return self.name

    @staticmethod
    def choice_label(name: str) -> str:
        return name

    def descendant_ids(self) -> set[int]:
        """This team and every team below it (teams are few: one query, walked in memory)."""
        children: dict[int | None, list[int]] = {}
        for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(team_id)
        found, stack = set(), [self.pk]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(children.get(current, []))
        return found


class KamUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """One of our people: account manager, presales, director, admin or auditor."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = KamUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    #: What its label in a dropdown is made of (fast_select reads these columns, not whole users).
    choice_label_fields = ("full_name", "first_name", "last_name", "username")

    def __str__(self):
        return self.choice_label(self.full_name, self.first_name, self.last_name, self.username)

    @staticmethod
    def choice_label(full_name: str, first_name: str, last_name: str, username: str) -> str:
        """The full name, else first and last name (as get_full_name), else the username."""
        return full_name or f"{first_name} {last_name}".strip() or username

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR and not self.is_superuser

    @property
    def can_write(self) -> bool:
        """Auditors read everything and change nothing."""
        return self.is_active and not self.is_auditor
