from django.urls import path

from media import views

app_name = "media"
urlpatterns = [path("", views.media_list, name="list")]
