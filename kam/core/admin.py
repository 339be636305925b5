"""Admin pages that write through the same audited path as the rest of the app."""

from django.contrib import admin

from kam.audit.services import audit_create, audit_delete, audit_update, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """Every save and delete in the admin leaves an ObjectChange, like every other write path."""

    actions = None  # bulk "delete selected" would bypass the audit trail

    def save_model(self, request, obj, form, change):
        if change:
            before = snapshot(type(obj)._base_manager.get(pk=obj.pk))
            obj.version = (getattr(obj, "version", 0) or 0) + 1
            super().save_model(request, obj, form, change)
            self._pending = (obj, before)
        else:
            super().save_model(request, obj, form, change)
            self._pending = (obj, None)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj, before = self._pending
        if before is None:
            audit_create(instance=obj, actor=request.user)
        else:
            audit_update(instance=obj, actor=request.user, before=before)

    def delete_model(self, request, obj):
        audit_delete(instance=obj, actor=request.user)
        super().delete_model(request, obj)
