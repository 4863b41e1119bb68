"""webhooks: REST endpoints under /v1/ (filled in by the webhooks work)."""

urlpatterns: list = []
