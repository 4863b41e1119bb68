from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView

from dropspace.api.views import not_found

API_MODULES = [
    "developer.api",
    "launches.api",
    "personas.api",
    "media.api",
    "connections.api",
    "billing.api",
    "webhooks.api",
]

api_urlpatterns = [path("", include(module)) for module in API_MODULES] + [
    re_path(r"^.*$", not_found),
]

urlpatterns = [
    path("v1/", include(api_urlpatterns)),
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(
            authentication_classes=[],
            permission_classes=[],
        ),
        name="openapi-schema",
    ),
    path(
        "docs/api",
        SpectacularRedocView.as_view(
            url_name="openapi-schema",
            template_name="developer/api_docs.html",  # Redoc with a way back to the app
            authentication_classes=[],
            permission_classes=[],
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("accounts.urls")),
    path("settings/api-keys/", include("developer.urls")),
    path("personas/", include("personas.urls")),
    path("media/", include("media.urls")),
    path("connections/", include("connections.urls")),
    path("sandbox/", include("connections.sandbox.urls")),  # answers 404 unless SANDBOX_ENABLED
    path("billing/", include("billing.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("launches/", include("launches.urls")),
    path("", RedirectView.as_view(pattern_name="launches:list", permanent=False), name="home"),
]
# Media files are served by media.views at unguessable URLs only (never MEDIA_ROOT as a tree).
