from django.contrib import admin

from kam.accounts.models import Industry
from kam.core.admin import AuditedModelAdmin


@admin.register(Industry)
class IndustryAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")
