from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from billing import services
from billing.models import MeteredUse, StripeEvent, Subscription, Wallet, X402Payment
from billing.plans import all_plans


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        exclude: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Plans are data (billing/plans.py + BILLING_PLANS): offer exactly those.
        choices = [(plan.name, f"{plan.label} ({plan.name})") for plan in all_plans().values()]
        self.fields["plan"] = forms.ChoiceField(choices=choices)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["user", "plan", "status", "current_period_end", "cancel_at_period_end"]
    list_filter = ["plan", "status", "cancel_at_period_end"]
    search_fields = ["user__email", "stripe_customer_id", "stripe_subscription_id"]
    raw_id_fields = ["user"]
    readonly_fields = ["stripe_state_at", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.forget_cached_plan(obj.user)


@admin.register(MeteredUse)
class MeteredUseAdmin(admin.ModelAdmin):
    list_display = ["user", "meter", "object_id", "created_at"]
    list_filter = ["meter"]
    search_fields = ["user__email", "object_id"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "created", "received_at"]
    list_filter = ["type"]
    search_fields = ["id"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a record of what Stripe sent


# --- x402 ------------------------------------------------------------------------------------


class X402PaymentInline(admin.TabularInline):
    model = X402Payment
    extra = 0
    can_delete = False
    fields = ["created_at", "request", "status", "launch_id", "transaction", "error_reason"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Wallet)
class WalletAdmin(admin.ModelAdmin):
    """x402 agents: each wallet's account, its launches and what it paid."""

    list_display = ["address", "created_at", "launches", "settled"]
    search_fields = ["address"]
    readonly_fields = ["address", "user", "created_at", "launches"]
    inlines = [X402PaymentInline]

    @admin.display(description="launches")
    def launches(self, wallet: Wallet):
        url = reverse("admin:launches_launch_changelist") + f"?owner__id__exact={wallet.user_id}"
        return format_html('<a href="{}">{}</a>', url, wallet.user.launches.count())

    @admin.display(description="settled payments")
    def settled(self, wallet: Wallet) -> int:
        return wallet.payments.filter(status=X402Payment.Status.SETTLED).count()


@admin.register(X402Payment)
class X402PaymentAdmin(admin.ModelAdmin):
    """Every accepted x402 authorization; the settled ones are the paid launch creations."""

    list_display = [
        "created_at",
        "wallet",
        "request",
        "status",
        "amount",
        "launch_id",
        "transaction",
    ]
    list_filter = ["status", "x402_version", "network"]
    search_fields = ["wallet__address", "nonce", "transaction", "launch_id"]
    list_select_related = ["wallet"]
    readonly_fields = [f.name for f in X402Payment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
