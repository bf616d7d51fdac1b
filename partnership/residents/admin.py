from django.contrib import admin

from partnership.residents.models import Open311Key, ResidentReport


@admin.register(ResidentReport)
class ResidentReportAdmin(admin.ModelAdmin):
    list_display = ["created_on", "area", "kind", "channel", "text_hidden_at"]
    list_filter = ["kind", "channel", "area"]
    date_hierarchy = "created_on"


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "revoked_at", "last_used_on"]
    readonly_fields = ["prefix", "created_at", "last_used_on"]
    exclude = ["key_hash"]
