import zoneinfo
from functools import cache

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import forms as auth_forms

from accounts import services
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


def browser_timezone_field() -> forms.CharField:
    """A hidden field that static/js/app.js fills with Intl.DateTimeFormat's timezone."""
    return forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-timezone": ""}),
    )


class LoginForm(allauth_forms.LoginForm):
    """allauth's login, which also adopts the browser's timezone on a first login."""

    timezone = browser_timezone_field()

    def login(self, request, redirect_url=None):
        if self.user.last_login is None:
            services.adopt_browser_timezone(user=self.user, timezone=self.cleaned_data["timezone"])
        return super().login(request, redirect_url)


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, which starts the account in the browser's timezone."""

    timezone = browser_timezone_field()

    def save(self, request):
        user = super().save(request)
        if user is not None:
            services.adopt_browser_timezone(user=user, timezone=self.cleaned_data["timezone"])
        return user


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
