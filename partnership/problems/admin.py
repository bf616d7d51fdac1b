from django.contrib import admin

from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility


class EndorsementInline(admin.TabularInline):
    model = ProblemEndorsement
    extra = 0
    autocomplete_fields = ["organization"]
    exclude = ["endorsed_by"]


class ResponsibilityInline(admin.TabularInline):
    model = ProblemResponsibility
    extra = 0
    autocomplete_fields = ["organization"]
    exclude = ["committed_by"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "status", "severity", "visibility", "recorded_by_organization"]
    list_filter = ["status", "visibility", "source", "severity", "area", "themes", "archived_at"]
    search_fields = ["title", "description", "outcome", "recorded_by_organization__name"]
    autocomplete_fields = ["area", "recorded_by_organization", "recorded_by"]
    filter_horizontal = ["themes"]
    readonly_fields = ["public_id", "version", "created_at", "updated_at"]
    inlines = [EndorsementInline, ResponsibilityInline]
    list_select_related = ["area", "recorded_by_organization"]
    date_hierarchy = "created_at"
