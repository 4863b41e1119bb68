from django.urls import path

from media import views

app_name = "media"
urlpatterns = [
    path("", views.media_list, name="list"),
    path("upload", views.media_upload, name="upload"),
    path("fetch", views.media_fetch, name="fetch"),
    path("fetches/<uuid:fetch_id>", views.media_fetch_status, name="fetch-status"),
    path("<uuid:asset_id>/", views.media_detail, name="detail"),
    path("<uuid:asset_id>/delete", views.media_delete, name="delete"),
    path("files/<str:token>/<str:filename>", views.media_file, name="file"),
    path("generate", views.media_generate, name="generate"),
    path("jobs/<uuid:job_id>", views.media_job, name="job"),
    path("fal/webhook", views.fal_webhook, name="fal-webhook"),
    path("posters/<str:token>.jpg", views.media_poster, name="poster"),
]
