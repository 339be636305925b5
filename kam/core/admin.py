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
        """The parent's entry first (with its many-to-many saved), then one per inline row."""
        form.save_m2m()
        obj, before = self._pending
        if before is None:
            audit_create(instance=obj, actor=request.user)
        else:
            audit_update(instance=obj, actor=request.user, before=before)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Inline rows (stages, criteria …) are audited one by one like the parent."""
        existing = [f.instance for f in formset.initial_forms if f.instance.pk]
        befores = {o.pk: snapshot(type(o)._base_manager.get(pk=o.pk)) for o in existing}
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                audit_delete(instance=deleted.instance, actor=request.user)
        instances = formset.save()
        for obj in instances:
            if obj.pk in befores:
                audit_update(instance=obj, actor=request.user, before=befores[obj.pk])
            else:
                audit_create(instance=obj, actor=request.user)

    def delete_model(self, request, obj):
        audit_delete(instance=obj, actor=request.user)
        super().delete_model(request, obj)
