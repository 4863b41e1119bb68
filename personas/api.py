"""personas: REST endpoints under /v1/ (filled in by the personas work)."""

urlpatterns: list = []
