from django.contrib import admin

from connections.sandbox.models import SandboxAccount, SandboxFault, SandboxPost


class FaultInline(admin.TabularInline):
    model = SandboxFault
    extra = 1


@admin.register(SandboxAccount)
class SandboxAccountAdmin(admin.ModelAdmin):
    list_display = ["username", "platform", "account_type", "entity_id", "parent", "owner"]
    list_filter = ["platform"]
    list_select_related = ["parent", "owner"]
    raw_id_fields = ["parent", "owner"]
    inlines = [FaultInline]


@admin.register(SandboxPost)
class SandboxPostAdmin(admin.ModelAdmin):
    list_display = ["post_id", "account", "kind", "created_at", "deleted_at"]
    list_filter = ["account__platform", "kind"]
