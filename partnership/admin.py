from django.contrib import admin

from partnership.models import Area, TargetGroup, Theme


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "latitude", "longitude"]
    list_filter = ["parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


admin.site.register(Theme, VocabularyAdmin)
admin.site.register(TargetGroup, VocabularyAdmin)
