"""``{% limit_notices %}``: the 80 % / 100 % limit notices, for the dashboard."""

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
    }
