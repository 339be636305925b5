from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kam.core.admin import AuditedModelAdmin
from kam.users.models import Team, User


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(User)
class KamUserAdmin(AuditedModelAdmin, UserAdmin):
    """Create people, set their role and team. Deactivate instead of deleting (history stays)."""

    list_display = ("username", "full_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "title", "phone")}),
        (_("Access"), {"fields": ("role", "team", "is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "role", "team", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        return False
