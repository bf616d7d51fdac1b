from django.contrib import admin

from initiatives.models import Initiative, InitiativeUpdate, ScheduleSlot


class ScheduleSlotInline(admin.TabularInline):
    model = ScheduleSlot
    extra = 0


class InitiativeUpdateInline(admin.StackedInline):
    model = InitiativeUpdate
    extra = 0
    autocomplete_fields = ["organization", "author"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "lead_organization", "status", "visibility", "starts_on", "ends_on"]
    list_filter = ["status", "visibility", "themes", "target_groups", "areas", "archived_at"]
    search_fields = ["title", "summary", "description", "lead_organization__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_organization", "partner_organizations", "problems", "created_by"]
    filter_horizontal = ["themes", "target_groups", "areas"]
    readonly_fields = ["public_id", "version", "created_at", "updated_at"]
    inlines = [ScheduleSlotInline, InitiativeUpdateInline]
    list_select_related = ["lead_organization"]
    date_hierarchy = "starts_on"


@admin.register(InitiativeUpdate)
class InitiativeUpdateAdmin(admin.ModelAdmin):
    list_display = ["initiative", "organization", "happened_on", "new_status", "visibility"]
    list_filter = ["new_status", "visibility"]
    search_fields = ["text", "initiative__title", "organization__name"]
    autocomplete_fields = ["initiative", "organization", "author"]
    list_select_related = ["initiative", "organization"]
