"""media: REST endpoints under /v1/ (filled in by the media work)."""

urlpatterns: list = []
