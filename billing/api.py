"""billing: REST endpoints under /v1/ (filled in by the billing work)."""

urlpatterns: list = []
