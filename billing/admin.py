from django import forms
from django.contrib import admin

from billing import services
from billing.models import MeteredUse, StripeEvent, Subscription
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
