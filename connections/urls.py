from django.urls import path

from connections import views

app_name = "connections"
urlpatterns = [
    path("", views.index, name="list"),
    path("choose/", views.choose, name="choose"),
    path("<str:platform>/connect/", views.connect, name="connect"),
    path("<str:platform>/callback", views.callback, name="callback"),
    path("<uuid:connection_id>/disconnect/", views.disconnect, name="disconnect"),
    path("<uuid:connection_id>/avatar/<str:filename>", views.avatar, name="avatar"),
]
