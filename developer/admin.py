from django.contrib import admin, messages

from developer import services
from developer.models import ApiKey


class ActiveListFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    # key_hash is deliberately absent everywhere: it is a credential verifier, not a display value.
    list_display = ("name", "owner", "key_prefix", "scopes", "created_at", "last_used_at", "active")
    list_filter = (ActiveListFilter, "created_at", "last_used_at")
    search_fields = ("name", "key_prefix", "owner__email")
    list_select_related = ("owner",)
    ordering = ("-created_at",)
    fields = ("name", "owner", "key_prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_selected"]

    @admin.display(boolean=True, description="active")
    def active(self, api_key: ApiKey) -> bool:
        return api_key.is_active

    def has_add_permission(self, request):
        # A key made here could never be shown to its owner: only its hash is stored.
        return False

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_key(api_key=api_key)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} key(s).", messages.SUCCESS)
