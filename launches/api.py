"""launches: REST endpoints under /v1/ (filled in by the launches work)."""

urlpatterns: list = []
