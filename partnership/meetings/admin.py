from django.contrib import admin

from partnership.meetings.models import AgendaItem, Decision, Meeting


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "source", "title", "minutes"]
    readonly_fields = ["source"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "starts_at", "place", "approved_at"]
    list_filter = ["kind", "approved_at"]
    search_fields = ["place", "items__title"]
    filter_horizontal = ["invited_organizations"]
    readonly_fields = ["public_id", "sequence", "agenda_totals", "created_at", "approved_at"]
    exclude = ["created_by", "approved_by"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "organization", "due_on", "done_at", "meeting"]
    list_filter = ["kind", "done_at"]
    search_fields = ["text", "organization__name"]
    raw_id_fields = ["meeting", "item", "problem", "responsibility", "overlap_decision"]
    autocomplete_fields = ["organization"]
    exclude = ["created_by", "done_by"]
    list_select_related = ["organization", "meeting"]
