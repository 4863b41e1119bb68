import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import forms as auth_forms

from accounts.models import User
from accounts.services import NAME_MAX_LENGTH


@cache
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text="Shown in the dashboard. Leave empty to use your email address.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        help_text="Every date and time on your pages is shown in this timezone.",
    )


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    """The admin's "add user" form, for a user whose login is the email address."""

    class Meta:
        model = User
        fields = ("email", "name", "timezone")

    def clean_email(self):
        return self.cleaned_data["email"].lower()


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        return self.cleaned_data["email"].lower()
