"""connections: REST endpoints under /v1/ (filled in by the connections work)."""

urlpatterns: list = []
