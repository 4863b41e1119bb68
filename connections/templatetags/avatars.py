"""``{{ connection|avatar_src }}``: our copy of the account's picture ("" while there is none)."""

from django import template

from connections import avatars

register = template.Library()


@register.filter
def avatar_src(connection) -> str:
    return avatars.avatar_src(connection)
