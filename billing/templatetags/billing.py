"""``{% limit_notices %}``: limits at 80 % / 100 % and a failed payment, for the dashboard."""

from django import template

from billing import selectors

register = template.Library()


@register.inclusion_tag("billing/_limit_notices.html", takes_context=True)
def limit_notices(context) -> dict:
    user = context["request"].user
    usage = selectors.usage_for(user)
    return {
        "notices": selectors.limit_notices(user, usage),
        "period_end": usage["billing_period"]["end"],
        "payment_failure": selectors.subscription_for(user).payment_failure_message,
    }
