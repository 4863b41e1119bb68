from django.urls import path

from launches import views

app_name = "launches"
urlpatterns = [
    path("", views.launch_list, name="list"),
    path("new", views.launch_create, name="create"),
    path("<uuid:launch_id>/", views.launch_detail, name="detail"),
    path("<uuid:launch_id>/save", views.launch_save, name="save"),
    path("<uuid:launch_id>/regenerate", views.launch_regenerate, name="regenerate"),
    path("<uuid:launch_id>/cancel", views.launch_cancel, name="cancel"),
    path("<uuid:launch_id>/delete", views.launch_delete, name="delete"),
]
