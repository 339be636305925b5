from django.contrib import admin

from kam.audit.models import ObjectChange


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the audit log is evidence."""

    list_display = ("timestamp", "action", "content_type", "object_repr", "actor_repr", "request_id")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor_repr", "request_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
