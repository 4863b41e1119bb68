from django.urls import path

from media import views

app_name = "media"
urlpatterns = [
    path("", views.media_list, name="list"),
    path("files/<str:token>/<str:filename>", views.media_file, name="file"),
    path("posters/<str:token>.jpg", views.media_poster, name="poster"),
]
