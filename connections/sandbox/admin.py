from django.contrib import admin

from connections.sandbox.models import (
    SandboxAccount,
    SandboxFault,
    SandboxPost,
    SandboxX402Fault,
    SandboxX402Settlement,
)


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


@admin.register(SandboxX402Settlement)
class SandboxX402SettlementAdmin(admin.ModelAdmin):
    """Payments the sandbox facilitator recorded: nothing moved on a chain."""

    list_display = ["transaction", "payer", "pay_to", "amount", "network", "created_at"]
    search_fields = ["payer", "transaction", "nonce"]
    readonly_fields = [f.name for f in SandboxX402Settlement._meta.fields]


@admin.register(SandboxX402Fault)
class SandboxX402FaultAdmin(admin.ModelAdmin):
    """Make the sandbox facilitator refuse to settle a wallet's payments."""

    list_display = ["payer", "reason", "created_at"]
