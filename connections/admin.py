"""Operators set up official (instance-wide) accounts here: leave the owner empty."""

from django import forms
from django.contrib import admin

from connections.models import Connection


class ConnectionAdminForm(forms.ModelForm):
    # Tokens are write-only in the admin: blank keeps the stored value.
    access_token = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), strip=True
    )
    refresh_token = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), strip=True
    )

    avatar_url = forms.URLField(required=False, assume_scheme="https", max_length=1000)

    class Meta:
        model = Connection
        fields = [
            "owner",
            "platform",
            "account_type",
            "entity_id",
            "username",
            "display_name",
            "avatar_url",
            "scopes",
            "access_token",
            "refresh_token",
            "expires_at",
            "refresh_expires_at",
            "is_sandbox",
            "is_active",
            "health",
            "last_error",
        ]

    def clean_access_token(self):
        return self.cleaned_data["access_token"] or self.instance.access_token

    def clean_refresh_token(self):
        return self.cleaned_data["refresh_token"] or self.instance.refresh_token


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    form = ConnectionAdminForm
    list_display = [
        "platform",
        "username",
        "owner",
        "is_official",
        "account_type",
        "health",
        "is_active",
        "is_sandbox",
        "expires_at",
    ]
    list_filter = [
        "platform",
        "health",
        "is_active",
        "is_sandbox",
        ("owner", admin.EmptyFieldListFilter),
    ]
    search_fields = ["username", "display_name", "entity_id", "owner__email"]
    readonly_fields = ["created_at", "updated_at", "last_error_at"]
    raw_id_fields = ["owner"]

    @admin.display(boolean=True, description="official")
    def is_official(self, connection):
        return connection.is_official
