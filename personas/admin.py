from django.contrib import admin

from personas.models import Persona


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "build_status", "analysis_count", "last_analyzed_at"]
    list_filter = ["build_status"]
    search_fields = ["name", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["build_started_at", "last_analyzed_at", "created_at", "updated_at"]
