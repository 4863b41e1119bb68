from django import forms
from django.utils.html import format_html

from developer.models import DEFAULT_SCOPES, Scope

NAME_MAX_LENGTH = 100


def scope_choices() -> list[tuple[str, str]]:
    return [
        (
            scope.value,
            format_html(
                '<span class="mono">{}</span> <span class="muted">— {}</span>',
                scope.value,
                scope.label,
            ),
        )
        for scope in Scope
    ]


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        help_text="So you can tell your keys apart, e.g. “CI pipeline” or “Claude Code”.",
        widget=forms.TextInput(attrs={"placeholder": "My integration", "autocomplete": "off"}),
    )
    # Not required here: the service decides what an empty selection means and says so.
    scopes = forms.MultipleChoiceField(
        choices=scope_choices,
        required=False,
        initial=[str(scope) for scope in DEFAULT_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Give the key only what your integration needs.",
    )


class ApiKeyRenameForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, label="New name")
